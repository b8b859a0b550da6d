import { spawn, spawnSync } from "node:child_process";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemo, DEMO_CONFIG } from "../demo/build";
import { evidenceHash, GENESIS } from "../erasure/chain";
import { publicKeyPem } from "../erasure/signing";
import { openStore, type Store } from "../store/client";

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
  const asStore = async (fn: (store: Store) => Promise<void>) => {
    const store = await openStore({ env: { CUSTODIAN_DATA_DIR: state() } });
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };

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
    expect(JSON.parse(chain.stdout)).toMatchObject({ holds: true, records: 3 });
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
      ["verify-evidence", "--expect-head", "not-a-hash", "--json"],
      ["verify-evidence", "--public-key", path.join(dir, "no-such-key.pem"), "--json"],
      ["verify-evidence", "--public-key", config, "--json"],
      ["verify-audit", "--expect-head", "abc", "--json"],
    ]) {
      const r = run(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(JSON.parse(r.stdout).error).toBeTruthy();
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("prints the contract's document, and exit 1 when a head written down earlier is no longer in the chain", async () => {
    const before = run("verify-evidence", "--json");
    expect(before.code).toBe(0);
    const doc = JSON.parse(before.stdout);
    expect(Object.keys(doc)).toEqual(["holds", "records", "head"]);
    expect(doc.head).toMatch(/^[0-9a-f]{64}$/);
    expect(run("verify-evidence", "--expect-head", doc.head, "--json").code).toBe(0);

    // the newest record removed: what is left still links up, but the published head is gone
    await asStore(async (store) => {
      await store.prisma.$executeRawUnsafe(`ALTER TABLE erasure_evidence DISABLE TRIGGER erasure_evidence_no_update_delete`);
      await store.prisma.$executeRawUnsafe(`DELETE FROM erasure_evidence WHERE hash = '${doc.head}'`);
      await store.prisma.$executeRawUnsafe(`ALTER TABLE erasure_evidence ENABLE TRIGGER erasure_evidence_no_update_delete`);
    });
    expect(run("verify-evidence", "--json").code).toBe(0);
    const r = run("verify-evidence", "--expect-head", doc.head, "--json");
    expect(r.code).toBe(1);
    const after = JSON.parse(r.stdout);
    expect(after).toMatchObject({ holds: false, records: doc.records - 1 });
    expect(after.reason).toMatch(/head recorded earlier .* is not in the chain/);
    expect(after.brokenAt).toBeUndefined();

    // put it back for the tests below: a fresh verification appends a new signed record
    expect(run("verify-erasure", "--config", config, "--subject", "shop.users:3002", "--json").code).toBe(0);
  });

  it("refuses a chain rewritten with the store's own rights and Custodian's own hash function: the signatures do not match", async () => {
    const good = JSON.parse(run("verify-evidence", "--json").stdout);
    expect(good).toMatchObject({ holds: true });
    expect(good.records).toBeGreaterThanOrEqual(3);
    await asStore(async (store) => {
      // the attack: change record 1's verdict, then recompute every later hash and link so the chain links up again
      await store.prisma.$executeRawUnsafe(`ALTER TABLE erasure_evidence DISABLE TRIGGER erasure_evidence_no_update_delete`);
      await store.prisma.$executeRawUnsafe(`UPDATE erasure_evidence SET verdict = 'complete', residual_rows = 0 WHERE id = 1`);
      const rows = await store.prisma.erasureEvidence.findMany({ orderBy: { id: "asc" } });
      let prev = GENESIS;
      for (const e of rows) {
        const hash = evidenceHash({ ...e, prevHash: prev });
        await store.prisma.$executeRaw`UPDATE erasure_evidence SET prev_hash = ${prev}, hash = ${hash} WHERE id = ${e.id}`;
        prev = hash;
      }
      await store.prisma.$executeRawUnsafe(`ALTER TABLE erasure_evidence ENABLE TRIGGER erasure_evidence_no_update_delete`);
    });
    const r = run("verify-evidence", "--json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ holds: false, records: 0, brokenAt: 1 });
    expect(doc.reason).toMatch(/signature does not match/);

    // stripping the signatures as well leaves an unsigned chain, which does not hold either
    await asStore(async (store) => {
      await store.prisma.$executeRawUnsafe(`ALTER TABLE erasure_evidence DISABLE TRIGGER erasure_evidence_no_update_delete`);
      await store.prisma.$executeRawUnsafe(`UPDATE erasure_evidence SET signature = NULL`);
      await store.prisma.$executeRawUnsafe(`ALTER TABLE erasure_evidence ENABLE TRIGGER erasure_evidence_no_update_delete`);
    });
    const stripped = run("verify-evidence", "--json");
    expect(stripped.code).toBe(1);
    expect(JSON.parse(stripped.stdout)).toMatchObject({ holds: false, brokenAt: 1, reason: expect.stringMatching(/unsigned/) });
  });

  it("checks signatures with a public key given by file: the right one holds, another key's does not", async () => {
    const fresh = mkdtempSync(path.join(tmpdir(), "custodian-cli-evidence-key-"));
    try {
      const env = { CUSTODIAN_DATA_DIR: path.join(fresh, "state"), CUSTODIAN_CONFIG: "", DATABASE_URL: "" };
      const runIn = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, ...env } });
      expect(runIn("verify-erasure", "--config", config, "--subject", "shop.users:3002", "--json").status).toBe(0);
      const key = readFileSync(path.join(env.CUSTODIAN_DATA_DIR, "evidence-key.pem"), "utf8");
      expect(statSync(path.join(env.CUSTODIAN_DATA_DIR, "evidence-key.pem")).mode & 0o777).toBe(0o600);
      const right = path.join(fresh, "right.pem");
      writeFileSync(right, publicKeyPem(createPublicKey(key)));
      const other = path.join(fresh, "other.pem");
      writeFileSync(other, publicKeyPem(generateKeyPairSync("ed25519").publicKey));
      expect(JSON.parse(runIn("verify-evidence", "--public-key", right, "--json").stdout)).toMatchObject({ holds: true, records: 1 });
      const wrong = runIn("verify-evidence", "--public-key", other, "--json");
      expect(wrong.status).toBe(1);
      expect(JSON.parse(wrong.stdout)).toMatchObject({ holds: false, brokenAt: 1, reason: expect.stringMatching(/signature does not match/) });
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("publishes the head to the alert webhook after each verification of the chain", async () => {
    const received: Record<string, unknown>[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const withHook = path.join(dir, "with-webhook.yaml");
    writeFileSync(withHook, `${readFileSync(config, "utf8")}\nalerts:\n  webhook: "http://127.0.0.1:${(server.address() as AddressInfo).port}/hook"\n`);
    // spawned, not spawnSync: the webhook server answers in this process
    const runAsync = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, ...args, "--config", withHook, "--json"], {
          cwd: dir,
          env: { ...process.env, CUSTODIAN_DATA_DIR: state(), CUSTODIAN_CONFIG: "", DATABASE_URL: "" },
        });
        let stdout = "";
        child.stdout.on("data", (c) => (stdout += c));
        child.on("close", (code) => resolve({ code, stdout }));
      });
    try {
      const r = await runAsync("verify-evidence");
      const doc = JSON.parse(r.stdout);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ event: "evidence_chain", holds: doc.holds, records: doc.records, head: doc.head });
      expect(received[0].publicKeyFingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);

      // a single verification publishes the record it filed as the head, with the audit head
      const single = JSON.parse((await runAsync("verify-erasure", "--subject", "shop.users:3002")).stdout);
      expect(received).toHaveLength(2);
      expect(received[1]).toMatchObject({
        event: "evidence_head",
        evidenceId: Number(single.evidenceId),
        publicKeyFingerprint: received[0].publicKeyFingerprint,
      });
      const after = JSON.parse((await runAsync("verify-evidence")).stdout);
      expect(received[1].head).toBe(after.head);

      // verify-audit publishes the audit trail's head
      const audit = JSON.parse((await runAsync("verify-audit")).stdout);
      expect(received.at(-1)).toMatchObject({ event: "audit_chain", holds: audit.holds, records: audit.records, head: audit.head });
    } finally {
      server.close();
    }
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
