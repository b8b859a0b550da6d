import { describe, expect, it } from "vitest";
import type { TargetSpec } from "../config/types";
import { describeLocation, protectionSettings, withoutSecrets } from "./settings";

const spec = {
  name: "billing",
  dialect: "postgres",
  url: "postgres://custodian:s3cr%40t@db.internal:5433/billing?sslmode=require",
  maxConnections: 2,
  readUrl: "postgres://reader:hunter2@replica.internal/billing",
  maxReplicaLagMs: 5000,
  apiToken: "abc",
} as TargetSpec;

describe("a target as the Targets page shows it", () => {
  it("shows where a server is without its password or query", () => {
    expect(describeLocation("postgres", spec.url)).toBe("db.internal:5433/billing as custodian");
    expect(describeLocation("sqlite", "/data/app.db")).toBe("/data/app.db");
  });

  it("lists every protection key generically, never a secret", () => {
    const shown = protectionSettings(spec);
    expect(shown).toEqual([
      { key: "maxConnections", value: "2" },
      { key: "readUrl", value: "replica.internal/billing as reader" },
      { key: "maxReplicaLagMs", value: "5000" },
      { key: "apiToken", value: "set (not shown)" },
    ]);
    expect(JSON.stringify(shown)).not.toMatch(/hunter2|s3cr|abc/);
  });

  it("takes the URL and its password out of an error message", () => {
    expect(withoutSecrets(`cannot connect to ${spec.url}: password s3cr@t refused`, spec)).toBe(
      "cannot connect to db.internal:5433/billing as custodian: password *** refused",
    );
  });
});
