import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildDemo, DEMO_CONFIG } from "../demo/build";

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/custodian.mjs");

describe("custodian purge and restore", () => {
  let template: string;
  let dir: string;
  const runIn = (cwd: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args, "--config", path.join(cwd, "custodian.config.yaml")], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, CUSTODIAN_DATA_DIR: path.join(cwd, "state"), CUSTODIAN_CONFIG: "" },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const run = (...args: string[]) => runIn(dir, ...args);

  // The demo and its store are made once; each test works on a copy of its own, so a purge
  // never takes the subject a restore test restores, whatever order they run in.
  beforeAll(async () => {
    template = mkdtempSync(path.join(tmpdir(), "custodian-cli-sd-"));
    cpSync(DEMO_CONFIG, path.join(template, "custodian.config.yaml"));
    await buildDemo({ dir: path.join(template, "data") });
    // a read-only command creates and migrates the store once, for every copy
    expect(runIn(template, "purge", "--table", "shop.users", "--json").code).toBe(0);
  });
  afterAll(() => rmSync(template, { recursive: true, force: true }));
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "custodian-cli-sd-"));
    cpSync(template, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a refused restore exits 1 with the reason on stderr and in `reason`", () => {
    const r = run("restore", "--table", "shop.users", "--key", "2040", "--execute", "--json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ refused: true, code: "unique_taken" });
    expect(doc.reason).toMatch(/email is now used by another live account/);
    expect(r.stderr).toMatch(/restore refused: its email is now used/);
    expect(run("restore", "--table", "shop.users", "--key", "2020", "--json").code).toBe(1);
    // a key with a part too many is bad usage, not quietly cut short
    const wide = run("restore", "--table", "shop.users", "--key", "[2040, 7]", "--json");
    expect(wide.code).toBe(2);
    expect(wide.stderr).toMatch(/--key: the key of shop\.\S*users is 1 column \(id\); 2 given/);
  });

  it("restore previews by default and restores with --execute", () => {
    const dry = run("restore", "--table", "shop.users", "--key", "2005", "--json");
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, key: ["2005"], refusal: null });
    const r = run("restore", "--table", "shop.users", "--key", "2005", "--execute", "--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.restored.reduce((n: number, t: { rows: number }) => n + t.rows, 0)).toBe(6);
    // where the restored account is opened: the demo's softDelete[].accountUrl with its key
    expect(doc.accountUrl).toBe("https://shop.example.com/admin/users/2005");
    expect(run("restore", "--table", "shop.users", "--key", "2005", "--json").code).toBe(1); // not deleted any more
  });

  it("purge is a dry run by default, then purges every subject past grace", () => {
    const dry = run("purge", "--table", "shop.users", "--json");
    expect(dry.code).toBe(0);
    const d = JSON.parse(dry.stdout);
    expect(d.tables[0]).toMatchObject({ table: "shop.users", pending: 20, subject: "delete" });
    expect(d.tables[0].below.map((b: { table: string }) => b.table)).toContain("activity:main.customer_activity");
    const r = run("purge", "--execute", "--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.tables[0]).toMatchObject({ status: "completed", subjects: 20, completed: 20, partial: 0, failed: 0 });
    expect(doc.tables[0].requests).toHaveLength(20); // every() over none would pass
    expect(doc.tables[0].requests.every((q: { steps: { status: string }[] }) => q.steps.length > 0 && q.steps.every((s) => s.status === "completed"))).toBe(
      true,
    );
    expect(JSON.parse(run("purge", "--json").stdout).tables[0].pending).toBe(0);
    expect(run("purge", "--table", "shop.nope").code).toBe(2);
  });
});
