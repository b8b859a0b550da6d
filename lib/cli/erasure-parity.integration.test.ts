import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvLine } from "../csv";
import { buildDemo, DEMO_CONFIG } from "../demo/build";
import { evidenceCsvExport } from "../erasure/evidence-export";
import { openStore, type Store } from "../store/client";

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/custodian.mjs");

/**
 * `custodian erasure add|import` and `custodian evidence export`: the console's request
 * form, CSV upload and evidence downloads for scripts, with the console's rules, as a named
 * user who must hold the console's permission, audited as the console's actions are.
 */
describe("CLI erasure requests and evidence exports as a named user", { timeout: 900_000 }, () => {
  let dir: string;
  const state = () => path.join(dir, "state");
  const run = (args: string[], input?: string) => {
    const r = spawnSync(process.execPath, [bin, ...args, "--config", DEMO_CONFIG_COPY()], {
      cwd: dir,
      encoding: "utf8",
      input,
      env: { ...process.env, CUSTODIAN_DATA_DIR: state(), CUSTODIAN_CONFIG: "", CUSTODIAN_URL: "", DATABASE_URL: "" },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const DEMO_CONFIG_COPY = () => path.join(dir, "custodian.config.yaml");
  /** The embedded store is one process's at a time: opened between CLI runs, closed before the next. */
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStore({ env: { ...process.env, CUSTODIAN_DATA_DIR: state() }, purpose: "erasure parity test" });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const users = {
    dpo: { id: "u-dpo", email: "dpo@example.com", roles: ["dpo"], active: true },
    ops: { id: "u-ops", email: "ops@example.com", roles: ["ops"], active: true },
    support: { id: "u-support", email: "support@example.com", roles: ["support"], active: true },
  };
  const requests = () => withStore((store) => store.prisma.erasureRequest.findMany({ orderBy: { keyText: "asc" } }));
  const audit = (action: string) => withStore((store) => store.prisma.auditEvent.findMany({ where: { action }, orderBy: { id: "asc" } }));
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(root, "scripts/build-cli.mjs"), "--if-stale"], { stdio: "ignore" });
    dir = mkdtempSync(path.join(tmpdir(), "custodian-cli-erasure-parity-"));
    writeFileSync(DEMO_CONFIG_COPY(), readFileSync(DEMO_CONFIG, "utf8"));
    await buildDemo({ dir: path.join(dir, "data") });
    await withStore(async (store) => {
      for (const u of Object.values(users)) await store.prisma.user.create({ data: { ...u, name: u.email.split("@")[0] } });
    });
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("erasure add refuses a user without the DPO role and a missing --as, with exit 2, storing nothing", async () => {
    const ops = run(["erasure", "add", "--subject", "user", "--key", "3047", "--as", users.ops.email]);
    expect(ops.code).toBe(2);
    expect(ops.stderr).toMatch(/ops@example\.com \(ops\) may not do this: erasure\.request_add needs the dpo role/);
    expect(run(["erasure", "add", "--subject", "user", "--key", "3047"]).stderr).toMatch(/--as EMAIL is required/);
    expect(await requests()).toEqual([]);
    const denied = await audit("erasure.request_add");
    expect(denied.map((e) => [e.actorId, e.result, e.reason, e.object])).toEqual([
      [users.ops.id, "denied", "--as: needs erasure.verify", "subject:shop.users:3047"],
    ]);
  });

  it("erasure add refuses a key that is no value of the key column's type: exit 2, the console's message, nothing stored, audited as failed", async () => {
    const r = run(["erasure", "add", "--subject", "user", "--key", "3O47", "--as", users.dpo.email, "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toBe("key '3O47' is not a bigint (shop.users.id). Nothing was stored.");
    for (const [args, message] of [
      [["--subject", "nobody", "--key", "1"], /unknown subject "nobody"; configured: user \(shop\.users\)/],
      [["--subject", "user"], /--key: required/],
      [["--subject", "user", "--key", "1", "--received", "2999-01-01"], /--received: the day it was received cannot be in the future/],
      [["--subject", "user", "--key", "1", "--received", "28/11/2026"], /--received: enter the day the request was received \(YYYY-MM-DD\)/],
    ] as const) {
      const bad = run(["erasure", "add", ...args, "--as", users.dpo.email]);
      expect(bad.code, args.join(" ")).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
    expect(await requests()).toEqual([]);
    const events = (await audit("erasure.request_add")).filter((e) => e.actorId === users.dpo.id);
    expect(events.map((e) => [e.result, e.object, e.params])).toEqual([
      ["started", "subject:shop.users:3O47", { subject: "user", key: "3O47", source: "cli" }],
      ["failed", "subject:shop.users:3O47", { subject: "user", key: "3O47", source: "cli" }],
    ]);
    expect(events[1].reason).toContain("is not a bigint");
  });

  it("erasure add files one request as the DPO, received on the day given; the same key again is the same request", async () => {
    const r = run(["erasure", "add", "--subject", "user", "--key", "3047", "--received", "2026-11-28", "--as", users.dpo.email, "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({ id: expect.any(String), created: true, subject: "shop.users:3047", receivedAt: "2026-11-28T00:00:00.000Z" });
    const again = run(["erasure", "add", "--subject", "user", "--key", "+03047", "--as", users.dpo.email]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`already filed: erasure request ${doc.id} for shop.users:3047`);
    const stored = await requests();
    expect(stored.map((q) => [q.id, q.keyText, q.source, q.requestedBy, q.receivedAt.toISOString()])).toEqual([
      [doc.id, '["3047"]', "manual", users.dpo.id, "2026-11-28T00:00:00.000Z"],
    ]);
    const ok = (await audit("erasure.request_add")).filter((e) => e.actorId === users.dpo.id && e.result === "ok");
    expect(ok.map((e) => [e.object, e.actorRoles, e.params])).toEqual([
      ["subject:shop.users:3047", ["dpo"], { subject: "user", key: "3047", source: "cli" }],
      ["subject:shop.users:+03047", ["dpo"], { subject: "user", key: "+03047", source: "cli" }],
    ]);
  });

  it("erasure import is all or nothing like the console's upload: a bad line refuses the list naming it, exit 2, nothing stored", async () => {
    const bad = path.join(dir, "bad.csv");
    writeFileSync(bad, "id\n3001\n3O02\n\n30x3\n");
    const r = run(["erasure", "import", "--subject", "user", bad, "--as", users.dpo.email]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 3: key '3O02' is not a bigint (shop.users.id); line 5: key '30x3' is not a bigint (shop.users.id). Nothing was stored.");
    const twoFields = path.join(dir, "two-fields.csv");
    writeFileSync(twoFields, "3001\n3002,3\n");
    const shape = run(["erasure", "import", "--subject", "user", twoFields, "--as", users.dpo.email]);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain(`${twoFields}: line 2: expected 1 value(s) (id), found 2. Nothing was stored.`);
    expect(run(["erasure", "import", "--subject", "user", path.join(dir, "missing.csv"), "--as", users.dpo.email]).stderr).toMatch(/cannot read .*ENOENT/);
    expect(run(["erasure", "import", "--subject", "user", bad, "--as", users.support.email]).code).toBe(2);
    expect((await requests()).map((q) => q.keyText)).toEqual(['["3047"]']);
    const events = await audit("erasure.request_upload");
    expect(events.map((e) => [e.actorId, e.result])).toEqual([
      [users.dpo.id, "started"],
      [users.dpo.id, "failed"],
      [users.dpo.id, "started"],
      [users.dpo.id, "failed"],
      [users.support.id, "denied"],
    ]);
  });

  it("erasure import files every key of the list, counts those already present, and reads stdin", async () => {
    const good = path.join(dir, "good.csv");
    writeFileSync(good, "id\r\n3001\r\n3002\r\n\r\n3047\r\n3001\r\n");
    const r = run(["erasure", "import", "--subject", "user", good, "--received", "2026-11-20", "--as", users.dpo.email, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ subject: "user", created: 2, existing: 1, refused: 0 });
    const piped = run(["erasure", "import", "--subject", "user", "-", "--as", users.dpo.email], "3002\n3003\n");
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain("filed 1 erasure request for subject user; 1 already present (left as they were), 0 refused");
    const stored = await requests();
    expect(stored.map((q) => [q.keyText, q.source, q.requestedBy])).toEqual([
      ['["3001"]', "csv", users.dpo.id],
      ['["3002"]', "csv", users.dpo.id],
      ['["3003"]', "csv", users.dpo.id],
      ['["3047"]', "manual", users.dpo.id],
    ]);
    expect(stored.find((q) => q.keyText === '["3001"]')!.receivedAt.toISOString()).toBe("2026-11-20T00:00:00.000Z");
    const ok = (await audit("erasure.request_upload")).filter((e) => e.result === "ok");
    expect(ok.map((e) => [e.actorId, e.object, e.params])).toEqual([
      [users.dpo.id, null, { subject: "user", source: "cli" }],
      [users.dpo.id, null, { subject: "user", source: "cli" }],
    ]);
  });

  it("evidence export writes the CSV the console downloads, audited as the DPO's export; others are refused", async () => {
    // one verification to export (incomplete: the demo's user 3002 has activity rows left)
    expect(run(["verify-erasure", "--subject", "shop.users:3002"]).code).toBe(1);
    const args = ["evidence", "export", "--from", today, "--to", today];
    const support = run([...args, "--as", users.support.email]);
    expect(support.code).toBe(2);
    expect(support.stderr).toMatch(/evidence\.export_csv needs the dpo role/);
    expect(support.stdout).toBe("");

    const r = run([...args, "--as", users.dpo.email]);
    expect(r.code).toBe(0);
    const expected = await withStore(async (store) => {
      const csv = await evidenceCsvExport(store, { from: today, to: today });
      let text = csvLine(csv.header);
      for await (const row of csv.rows) text += csvLine(row);
      return text;
    });
    expect(r.stdout).toBe(expected);
    expect(r.stdout).toContain("shop.users:3002");
    expect(r.stderr).toMatch(/CSV evidence export \([\d,]+ bytes, \d+ rows\) written to stdout/);

    const file = path.join(dir, "evidence.csv");
    const json = run([...args, "--format", "csv", "--out", file, "--as", users.dpo.email, "--json"]);
    expect(json.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(expected);
    expect(JSON.parse(json.stdout)).toEqual({
      format: "csv",
      file,
      fileName: `custodian-erasure-evidence-${today}-to-${today}-${today}.csv`,
      bytes: Buffer.byteLength(expected),
      rows: expected.trimEnd().split("\r\n").length - 1,
    });
    const events = await audit("evidence.export_csv");
    expect(events.map((e) => [e.actorId, e.result, e.params])).toEqual([
      [users.support.id, "denied", { from: today, to: today, source: "cli" }],
      [users.dpo.id, "started", { from: today, to: today, source: "cli" }],
      [users.dpo.id, "ok", { from: today, to: today, source: "cli" }],
      [users.dpo.id, "started", { from: today, to: today, source: "cli" }],
      [users.dpo.id, "ok", { from: today, to: today, source: "cli" }],
    ]);
  });

  it("evidence export --format pdf writes the report to --out; bad dates and --json without --out are refused with exit 2", async () => {
    const file = path.join(dir, "evidence.pdf");
    const denied = run(["evidence", "export", "--from", today, "--to", today, "--format", "pdf", "--out", file, "--as", users.ops.email]);
    expect(denied.code).toBe(2);
    expect(existsSync(file)).toBe(false);
    const r = run(["evidence", "export", "--from", today, "--to", today, "--format", "pdf", "--out", file, "--as", users.dpo.email, "--json"]);
    expect(r.code).toBe(0);
    const pdf = readFileSync(file);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.subarray(-6).toString()).toMatch(/%%EOF/);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: "pdf", file, bytes: pdf.length });
    // not a terminal here: the PDF may go to stdout
    const piped = spawnSync(process.execPath, [bin, "evidence", "export", "--from", today, "--to", today, "--format", "pdf", "--as", users.dpo.email], {
      cwd: dir,
      env: { ...process.env, CUSTODIAN_DATA_DIR: state(), CUSTODIAN_CONFIG: "", DATABASE_URL: "" },
    });
    expect(piped.status).toBe(0);
    expect(piped.stdout.subarray(0, 5).toString()).toBe("%PDF-");
    const events = await audit("evidence.export_pdf");
    expect(events.map((e) => [e.actorId, e.result])).toEqual([
      [users.ops.id, "denied"],
      [users.dpo.id, "started"],
      [users.dpo.id, "ok"],
      [users.dpo.id, "started"],
      [users.dpo.id, "ok"],
    ]);

    for (const [args, message] of [
      [["--from", today, "--to", "2000-01-01"], /--to: from must not be after to/],
      [["--from", "yesterday", "--to", today], /--from: /],
      [["--from", today], /--from DATE and --to DATE are required/],
      [["--request", "00000000-0000-4000-8000-000000000000", "--to", today], /--from and --to go together/],
      [["--from", today, "--to", today, "--format", "xlsx"], /--format: expected csv or pdf/],
      [["--from", today, "--to", today, "--json"], /--json prints a summary on stdout: give --out FILE/],
      [["--from", today, "--to", today], /--as EMAIL is required/],
    ] as const) {
      const bad = run(["evidence", "export", ...args, ...(message.source.includes("--as") ? [] : ["--as", users.dpo.email])]);
      expect(bad.code, args.join(" ")).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
    const missing = run(["evidence", "export", "--request", "00000000-0000-4000-8000-000000000000", "--format", "pdf", "--out", file, "--as", users.dpo.email]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No such erasure request/);
  });
});
