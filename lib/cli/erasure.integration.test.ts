import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemo, DEMO_CONFIG } from "../demo/build";
import { openStore } from "../store/client";

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/custodian.mjs");

describe("custodian verify-erasure and verify-evidence", () => {
  let dir: string;
  let config: string;
  const state = () => path.join(dir, "state");
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CUSTODIAN_DATA_DIR: state(), CUSTODIAN_CONFIG: "", DATABASE_URL: "" },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "custodian-cli-erasure-"));
    config = path.join(dir, "custodian.config.yaml");
    cpSync(DEMO_CONFIG, config);
    await buildDemo({ dir: path.join(dir, "data") });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints exactly the contract's document and exits 1 while rows remain, 0 once they are gone", () => {
    const r = run("verify-erasure", "--config", config, "--subject", "shop.users:3002", "--json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(["subject", "verdict", "unreviewedColumns", "unreviewed", "trace", "tables", "evidenceId"]);
    // the demo's social.customer_sessions.profile_id looks like a reference to users that nothing covers or reviewed
    expect(doc.unreviewedColumns).toBe(1);
    expect(doc.unreviewed).toEqual(["social.main.customer_sessions.profile_id"]);
    expect(doc.trace).toMatchObject({ seenByCustodian: false, summary: "never seen by Custodian" });
    expect(doc.subject).toBe("shop.users:3002");
    expect(doc.verdict).toBe("incomplete");
    expect(doc.evidenceId).toMatch(/^\d+$/);
    for (const t of doc.tables) expect(Object.keys(t)).toEqual(["target", "schema", "table", "residualRows"]);
    expect(doc.tables.filter((t: { residualRows: number }) => t.residualRows > 0)).toEqual([
      { target: "activity", schema: "main", table: "customer_push_subscriptions", residualRows: 1 },
      { target: "activity", schema: "main", table: "customer_email_links", residualRows: 1 },
      { target: "activity", schema: "main", table: "customer_activity", residualRows: 11 },
    ]);

    const db = new Database(path.join(dir, "data/activity.db"));
    for (const t of ["customer_activity", "customer_email_links", "customer_push_subscriptions"]) db.prepare(`DELETE FROM ${t} WHERE profile_id = 3002`).run();
    db.close();
    const again = run("verify-erasure", "--config", config, "--subject", "shop.users:3002", "--json");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      verdict: "complete",
      unreviewedColumns: 1,
      // the first verification found its rows: "complete" now is not "never seen"
      trace: { seenByCustodian: true, summary: expect.stringMatching(/^rows found by verification #\d+ on \d{4}-\d{2}-\d{2}$/) },
      evidenceId: String(Number(doc.evidenceId) + 1),
    });

    const human = run("verify-erasure", "--config", config, "--subject", "shop.users:12345");
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/INCOMPLETE: 753 rows/);
    expect(human.stdout).toContain("Not checked: 1 column not yet reviewed (social.customer_sessions.profile_id)");

    const chain = run("verify-evidence", "--json");
    expect(chain.code).toBe(0);
    expect(JSON.parse(chain.stdout)).toMatchObject({ ok: true, records: 3 });
  });

  it("refuses a key that is no value of the key column's type with exit 2, storing nothing; two spellings are one request", async () => {
    for (const bad of ["3O47", "3047.0", "abc"]) {
      const r = run("verify-erasure", "--config", config, "--subject", `shop.users:${bad}`, "--json");
      expect(r.code, bad).toBe(2);
      expect(JSON.parse(r.stdout).error).toContain(`key '${bad}' is not a bigint (shop.users.id)`);
    }
    const padded = run("verify-erasure", "--config", config, "--subject", "shop.users:+03002", "--json");
    expect(JSON.parse(padded.stdout).subject).toBe("shop.users:3002");
    const store = await openStore({ env: { CUSTODIAN_DATA_DIR: state() } });
    try {
      const stored = (await store.prisma.erasureRequest.findMany({ select: { keyText: true } })).map((r) => r.keyText);
      expect(stored.filter((k) => k.includes("3O47") || k.includes("abc") || k.includes("3047"))).toEqual([]);
      expect(stored.filter((k) => k.includes("3002"))).toEqual(['["3002"]']);
    } finally {
      await store.close();
    }
  });

  it("exits 2 on bad usage, with a one-line reason", () => {
    for (const args of [
      ["verify-erasure", "--config", config, "--json"],
      ["verify-erasure", "--config", config, "--subject", "shop.orders:1", "--json"],
      ["verify-erasure", "--config", config, "--subject", "shop.users:", "--json"],
      ["verify-evidence", "--subject", "x", "--json"],
    ]) {
      const r = run(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(JSON.parse(r.stdout).error).toBeTruthy();
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("reports a broken chain with exit 1, naming the altered record", async () => {
    const store = await openStore({ env: { CUSTODIAN_DATA_DIR: state() } });
    try {
      await store.prisma.$executeRawUnsafe(`ALTER TABLE erasure_evidence DISABLE TRIGGER erasure_evidence_no_update_delete`);
      await store.prisma.$executeRawUnsafe(`UPDATE erasure_evidence SET residual_rows = 0 WHERE id = 1`);
      await store.prisma.$executeRawUnsafe(`ALTER TABLE erasure_evidence ENABLE TRIGGER erasure_evidence_no_update_delete`);
    } finally {
      await store.close();
    }
    const r = run("verify-evidence", "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, records: 0, broken: { id: "1" } });
  });

  it("stops with a clear message while another process holds the embedded store", async () => {
    const store = await openStore({ env: { CUSTODIAN_DATA_DIR: state() }, purpose: "the test server" });
    try {
      const r = run("verify-erasure", "--config", config, "--subject", "shop.users:3002", "--json");
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).error).toMatch(/in use by another Custodian process \(pid \d+, the test server/);
    } finally {
      await store.close();
    }
  });
});
