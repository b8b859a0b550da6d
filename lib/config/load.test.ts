import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors";
import { loadConfig, parseConfigText } from "./load";

const GOOD = `
targets:
  shop:     { dialect: postgres, url: "\${SHOP_DATABASE_URL}" }
  legacy:   { dialect: mysql,    url: "\${LEGACY_DATABASE_URL}" }
  activity: { dialect: sqlite,   url: "file:./data/activity.db" }
relations:
  - name: activity_profile
    child:  { target: activity, table: customer_activity, columns: [profile_id] }
    parent: { target: shop, schema: public, table: users, columns: [id] }
    parentSoftDelete: { column: deleted_at, graceDays: 30 }
    cleanup: { action: delete, batchSize: 1000, graceDays: 7 }
    allow:
      - { key: [42], reason: "kept for fraud case 118", until: 2027-06-30 }
softDelete:
  - { target: shop, table: users, column: deleted_at, graceDays: 30,
      unique: [email], pii: [email, name] }
subjects:
  - { name: user, target: shop, table: users, key: [id] }
schedule: { sweep: "0 * * * *" }
`;
const ENV = { SHOP_DATABASE_URL: "postgres://app:s3cret@127.0.0.1/shop", LEGACY_DATABASE_URL: "mysql://root@127.0.0.1/legacy" };

function errorOf(text: string, env: Record<string, string> = ENV): ConfigError {
  try {
    parseConfigText(text, "/etc/custodian.config.yaml", env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("accepts exactly the documented shape (docs/configuration.md), resolving env URLs and local files", () => {
    const c = parseConfigText(GOOD, "/etc/custodian/custodian.config.yaml", ENV);
    expect(c.targets.shop).toEqual({ name: "shop", dialect: "postgres", url: ENV.SHOP_DATABASE_URL, maxConnections: 2 });
    expect(c.targets.activity.url).toBe("/etc/custodian/data/activity.db");
    expect(c.relations[0].cleanup).toEqual({ action: "delete", batchSize: 1000, graceDays: 7, onParentRemoved: "cascade" });
    expect(c.cleanup).toEqual({ graceDays: 7, batchSize: 1000, maxBatchSize: 20_000, approvalThreshold: 10_000, statementTimeoutMs: 5000 });
    expect(c.alerts).toEqual({ orphans: 1000, growthPerDay: 100 });
    expect(c.relations[0].allow?.[0].until).toBe("2027-06-30");
    expect(c.softDelete[0].pii).toEqual(["email", "name"]);
    expect(c.schedule.sweep).toBe("0 * * * *");
  });

  it("reads a target's protections: connection limit, replica, throttle limits", () => {
    const text = GOOD.replace(
      'shop:     { dialect: postgres, url: "${SHOP_DATABASE_URL}" }',
      'shop:     { dialect: postgres, url: "${SHOP_DATABASE_URL}", readUrl: "${SHOP_REPLICA_URL}", maxConnections: 5, maxReplicaLagMs: 1000, maxThreadsRunning: 25 }',
    );
    const env = { ...ENV, SHOP_REPLICA_URL: "postgres://app:s3cret@replica/shop" };
    expect(parseConfigText(text, "/etc/c.yaml", env).targets.shop).toEqual({
      name: "shop",
      dialect: "postgres",
      url: ENV.SHOP_DATABASE_URL,
      readUrl: env.SHOP_REPLICA_URL,
      maxConnections: 5,
      throttle: { maxReplicaLagMs: 1000, maxThreadsRunning: 25 },
    });
    expect(errorOf(text, ENV).message).toMatch(/targets\.shop\.readUrl.*SHOP_REPLICA_URL is not set/s);
    expect(errorOf(text.replace("maxConnections: 5", "maxConnections: 0"), env).message).toMatch(/targets\.shop\.maxConnections.*above 0/s);
    expect(errorOf(text.replace('readUrl: "${SHOP_REPLICA_URL}"', 'readUrl: "postgres://app:pw@replica/shop"'), env).message).toMatch(
      /targets\.shop\.readUrl.*environment variable reference/s,
    );
  });

  it("needs only targets", () => {
    const c = parseConfigText("targets:\n  a: { dialect: sqlite, url: 'file:a.db' }\n", "/x/c.yaml", {});
    expect(c.relations).toEqual([]);
    expect(c.schedule.sweep).toBe("0 * * * *");
  });

  it("names the file, the line, the key path and what was expected for a misspelt key", () => {
    const e = errorOf(GOOD.replace("graceDays: 30 }\n    cleanup", "graceDayz: 30 }\n    cleanup"));
    expect(e.message).toBe('/etc/custodian.config.yaml:10: relations[0].parentSoftDelete: unknown key "graceDayz"');
  });

  it("rejects a wrong type with the path", () => {
    const e = errorOf(GOOD.replace("columns: [profile_id]", "columns: profile_id"));
    expect(e.path).toBe("relations[0].child.columns");
    expect(e.message).toMatch(/expected a list of column names/);
  });

  it("rejects an unknown dialect", () => {
    expect(errorOf(GOOD.replace("dialect: mysql", "dialect: oracle")).message).toMatch(
      /targets\.legacy\.dialect: expected one of postgres, mysql, sqlite, pglite/,
    );
  });

  it("rejects a relation to a target that does not exist", () => {
    expect(errorOf(GOOD.replace("parent: { target: shop", "parent: { target: shopp")).message).toMatch(
      /relations\[0\]\.parent\.target: unknown target "shopp"; expected one of shop, legacy, activity/,
    );
  });

  it("rejects child and parent column lists of different lengths", () => {
    expect(errorOf(GOOD.replace("columns: [id] }\n    parentSoftDelete", "columns: [id, tenant_id] }\n    parentSoftDelete")).message).toMatch(
      /relations\[0\]\.parent\.columns: expected 1 column\(s\) to match child\.columns, got 2/,
    );
  });

  it("rejects duplicate relation names", () => {
    const twice = GOOD.replace(
      "softDelete:",
      `  - name: activity_profile\n    child: { target: activity, table: t, columns: [a] }\n    parent: { target: shop, table: users, columns: [id] }\nsoftDelete:`,
    );
    expect(errorOf(twice).message).toMatch(/relations\[1\]\.name: duplicate relation name "activity_profile"/);
  });

  it("says which environment variable is missing", () => {
    const e = errorOf(GOOD, { SHOP_DATABASE_URL: ENV.SHOP_DATABASE_URL });
    expect(e.message).toMatch(/targets\.legacy\.url: environment variable LEGACY_DATABASE_URL is not set/);
  });

  it("refuses a literal server URL: credentials belong in the environment", () => {
    const e = errorOf(GOOD.replace('"${SHOP_DATABASE_URL}"', '"postgres://app:s3cret@db/shop"'));
    expect(e.message).toMatch(/targets\.shop\.url: expected an environment variable reference/);
    expect(e.message).not.toContain("s3cret");
  });

  it("reports YAML syntax errors with a line", () => {
    const e = errorOf("targets:\n  a: { dialect: sqlite, url: 'file:a.db'\n");
    expect(e.message).toMatch(/^\/etc\/custodian\.config\.yaml(:\d+)?: invalid YAML/);
  });

  it("checks the sweep schedule, the alert webhook and the cleanup options", () => {
    expect(errorOf(`${GOOD}\n`.replace('schedule: { sweep: "0 * * * *" }', 'schedule: { sweep: "every hour" }')).message).toMatch(
      /schedule\.sweep: expected a cron expression/,
    );
    const withHook = (hook: string) => `${GOOD.replace(/^schedule:.*$/m, "")}\nalerts: { orphans: 50, webhook: "${hook}" }\n`;
    expect(parseConfigText(withHook("${HOOK_URL}"), "/etc/c.yaml", { ...ENV, HOOK_URL: "https://hooks.example/x" }).alerts).toEqual({
      orphans: 50,
      growthPerDay: 100,
      webhook: "https://hooks.example/x",
    });
    expect(errorOf(withHook("${HOOK_URL}")).message).toMatch(/alerts\.webhook: environment variable HOOK_URL is not set/);
    expect(errorOf(withHook("ftp://x")).message).toMatch(/alerts\.webhook: expected an http/);
    expect(errorOf(GOOD.replace("action: delete", "action: shred")).message).toMatch(/relations\[0\]\.cleanup\.action/);
    expect(errorOf(GOOD.replace("action: delete", "action: delete, onParentRemoved: ignore")).message).toMatch(/onParentRemoved/);
  });

  it("checks the soft-delete purge options and the purge schedule", () => {
    const sd = (extra: string) => GOOD.replace("unique: [email], pii: [email, name] }", `unique: [email], pii: [email, name]${extra} }`);
    const c = parseConfigText(sd(', purge: redact, redactWith: { email: "redacted" }, cascadeId: cascade_id'), "/etc/c.yaml", ENV);
    expect(c.softDelete[0]).toMatchObject({ purge: "redact", redactWith: { email: "redacted" }, cascadeId: "cascade_id", pendingAlert: 10_000 });
    expect(parseConfigText(GOOD, "/etc/c.yaml", ENV).softDelete[0].purge).toBe("delete");
    expect(errorOf(sd(", purge: shred")).message).toMatch(/softDelete\[0\]\.purge: expected delete or redact/);
    expect(errorOf(sd(", redactWith: { phone: null }")).message).toMatch(/softDelete\[0\]\.redactWith\.phone: "phone" is not one of the pii columns/);
    expect(errorOf(GOOD.replace('schedule: { sweep: "0 * * * *" }', 'schedule: { sweep: "0 * * * *", purge: "nightly" }')).message).toMatch(
      /schedule\.purge: expected a cron expression/,
    );
  });

  it("reports a missing file plainly", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cfg-"));
    expect(() => loadConfig(path.join(dir, "none.yaml"))).toThrow(/none\.yaml: file not found/);
    writeFileSync(path.join(dir, "c.yaml"), "targets: []\n");
    expect(() => loadConfig(path.join(dir, "c.yaml"))).toThrow(/targets: expected a map of target names/);
  });
});
