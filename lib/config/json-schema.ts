import { z } from "zod";
import { configSchema } from "./schema";

/**
 * The JSON Schema of custodian.config.yaml, generated from the zod schema that validates
 * it (./schema.ts), so an editor's completion and the loader never disagree. What a person
 * writes is the schema's input: defaults are optional. A date may be written as a YAML
 * date, which zod accepts as a Date: in JSON Schema that is a "date" string.
 * docs/custodian.config.schema.json is this, committed (a test keeps the two equal).
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: "input",
    target: "draft-2020-12",
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === "date") Object.assign(ctx.jsonSchema, { type: "string", format: "date" });
    },
    unrepresentable: "any",
  });
  return { ...schema, title: "Custodian configuration (custodian.config.yaml)" };
}
