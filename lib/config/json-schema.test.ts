import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "./json-schema";
import { parseConfigText } from "./load";
import { DEMO_CONFIG } from "../demo/build";

const committed = path.resolve(import.meta.dirname, "../../docs/custodian.config.schema.json");

describe("the config's JSON Schema", () => {
  it("is committed as generated (regenerate: custodian config schema > docs/custodian.config.schema.json)", () => {
    expect(JSON.parse(readFileSync(committed, "utf8"))).toEqual(configJsonSchema());
  });

  it("describes what the loader accepts: required targets, known keys only, dates as strings", () => {
    const schema = configJsonSchema() as { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.required).toEqual(["targets"]);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["targets", "relations", "softDelete", "schedule", "alerts", "cleanup"]));
    expect(JSON.stringify(schema)).toContain('"format":"date"');
    // the demo config parses, so it is an instance the schema is meant for
    expect(() => parseConfigText(readFileSync(DEMO_CONFIG, "utf8"), DEMO_CONFIG, { ...process.env })).not.toThrow();
  });
});
