import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, POSTGRES_URL, postgresAdmin } from "../../test/services";
import type { SweepResult } from "../detect/sweep";
import { openStore, redactUrl, type Store } from "./client";
import { applyMigrations, readMigrations } from "./migrate";
import { knownDeclaredRelations, latestScans, recordSweep } from "./scans";

const relation = (name: string) => ({
  name,
  origin: "declared" as const,
  child: { target: "shop", schema: "public", table: "comments", columns: ["user_id"] },
  parent: { target: "shop", schema: "public", table: "users", columns: ["id"] },
});

function sweepOf(at: Date, orphans: (number | null)[]): SweepResult {
  return {
    scannedAt: at,
    failures: [],
    results: orphans.map((n, i) => ({
      relation: relation(`r${i}`),
      orphans: n,
      childRows: n == null ? null : 1000,
      durationMs: 5,
      scannedAt: at,
      ...(n == null ? { error: "cannot reach target", errorKind: "unreachable" as const } : {}),
    })),
  };
}

async function exercise(store: Store) {
  await recordSweep(store, sweepOf(new Date(Date.now() - 60_000), [5, 7]), { trigger: "test", configHash: "h" });
  await recordSweep(store, sweepOf(new Date(), [6, null]), { trigger: "test", configHash: "h" });
  const latest = await latestScans(store);
  expect(latest.map((s) => [s.relation, s.orphans == null ? null : Number(s.orphans), s.errorKind])).toEqual([
    ["r0", 6, null],
    ["r1", null, "unreachable"],
  ]);
  expect(latest[0].childColumns).toEqual(["user_id"]);
  expect((await knownDeclaredRelations(store)).map((r) => r.name)).toEqual(["r0", "r1"]);
}

describe("embedded store (PGlite)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "custodian-store-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("migrates once, records sweeps and reads the latest scan per relation", async () => {
    const env = { CUSTODIAN_DATA_DIR: dir };
    let store = await openStore({ env });
    await exercise(store);
    await store.close();
    // reopening applies nothing twice and keeps the data
    store = await openStore({ env });
    const rows = await store.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM _prisma_migrations`;
    expect(Number(rows[0].n)).toBe(readMigrations().length);
    expect((await latestScans(store)).length).toBe(2);
    await store.close();
  });

  it("is never opened by two processes: the second gets a clear message", async () => {
    const env = { CUSTODIAN_DATA_DIR: dir };
    const store = await openStore({ env, purpose: "the test holder" });
    try {
      const script = `import { openStore } from "./lib/store/client.ts";
        try { await openStore({ env: { CUSTODIAN_DATA_DIR: ${JSON.stringify(dir)} } }); console.log("OPENED"); }
        catch (e) { console.log(e.name + ": " + e.message); }`;
      const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: path.resolve(import.meta.dirname, "../.."),
        encoding: "utf8",
      });
      expect(r.stdout).toMatch(/FolderLockedError: .*store is in use by another Custodian process \(pid \d+, the test holder/);
      expect(r.stdout).not.toContain("OPENED");
    } finally {
      await store.close();
    }
  });
});

describe.runIf(hasPostgres)("PostgreSQL store (DATABASE_URL)", () => {
  const database = `custodian_store_${randomBytes(4).toString("hex")}`;
  const url = (() => {
    const u = new URL(POSTGRES_URL);
    u.pathname = `/${database}`;
    return u.toString();
  })();
  const admin = postgresAdmin;
  beforeAll(() => admin(`CREATE DATABASE ${database}`));
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));

  it("applies the same migrations, in Prisma's _prisma_migrations format, concurrently safe", async () => {
    // two processes starting at once serialise on the advisory lock
    const [a, b] = await Promise.all([openStore({ env: { DATABASE_URL: url } }), openStore({ env: { DATABASE_URL: url } })]);
    await b.close();
    await exercise(a);
    const rows = await a.prisma.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`SELECT migration_name, finished_at FROM _prisma_migrations`;
    expect(rows.map((r) => r.migration_name)).toEqual(readMigrations().map((m) => m.name));
    expect(rows.every((r) => r.finished_at)).toBe(true);
    expect(a.location).toBe(redactUrl(url));
    await a.close();
  });

  it("accepts a migration checked out with other line endings, as Prisma does", async () => {
    const store = await openStore({ env: { DATABASE_URL: url } });
    await store.close();
    const crlf = readMigrations().map((m) => ({ ...m, sql: m.sql.replace(/\n/g, "\r\n") }));
    const c = new (await import("pg")).default.Client({ connectionString: url });
    await c.connect();
    try {
      const runner = { exec: async (s: string) => void (await c.query(s)), query: async (s: string, p?: unknown[]) => (await c.query(s, p)).rows };
      await expect(applyMigrations(runner, crlf)).resolves.toEqual([]);
      await expect(applyMigrations(runner, [{ ...crlf[0], sql: `${crlf[0].sql}\n-- edited` }])).rejects.toThrow(/was changed after it was applied/);
    } finally {
      await c.end();
    }
  });

  it("never shows a password in its location", () => {
    expect(redactUrl("postgres://app:s3cret@db.example:5432/custodian")).toBe("postgres://app@db.example:5432/custodian");
  });
});
