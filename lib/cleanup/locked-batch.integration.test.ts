import { writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountOf, createCleanupFixture, isOrphan, ORPHAN_IDS, PARENT, PLAIN, tempDir, type CleanupFixture } from "../../test/cleanup-fixture";
import { STORE_KINDS } from "../../test/stores";
import { loadConfig } from "../config/load";
import { resolveRelations } from "../relations/resolve";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { runBatch } from "./batch";
import { planCleanup } from "./plan";
import { startCleanup } from "./start";

const embedded = STORE_KINDS.find((k) => k.name === "PGlite")!;

/**
 * A SQLite plain delete reads its candidates and deletes them in one transaction holding the
 * file's write lock (locked-batch.ts): its DELETE re-checks nothing, so nothing may write
 * between the two. The store's intent is written in between: that is when another writer
 * (another connection to the file, as an application's) is tried.
 */
describe("a SQLite batch under the write lock", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let fx: CleanupFixture;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    ({ store, dispose } = await embedded.open());
    tmp = tempDir();
    fx = await createCleanupFixture("sqlite", tmp.dir);
  });
  afterAll(async () => {
    await dispose?.();
    await fx?.drop();
    tmp?.remove();
  });

  it("keeps every other writer out from its candidate read to its commit, and deletes exactly the orphans it read", async () => {
    const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    const pool = new TargetPool(config.targets);
    const file = path.join(tmp.dir, "fx.db");
    const app = new Database(file, { timeout: 0 });
    try {
      // WAL, as applications run SQLite: there a reader holds nothing a writer waits for
      app.pragma("journal_mode = WAL");
      const relation = (await resolveRelations(config, pool)).relations.find((r) => r.name === "plain_account")!;
      const plan = await planCleanup(config, pool, relation);
      expect(plan.deleteUnderWriteLock).toBe(true);
      const { outcome } = await startCleanup(store, config, "plain_account", { requestedBy: "lock-test" });
      const jobId = (outcome as { jobId: string }).jobId;

      // A batch of 100 candidates: these orphans. The account of the first of them comes back
      // while the batch writes its intent, if anything lets it.
      // (its read walks at most 4 rows per candidate: 400 here, and ends there if fewer were orphans)
      const firstOrphans = ORPHAN_IDS.filter((id) => id <= 400).slice(0, 100);
      const last = firstOrphans.length === 100 ? firstOrphans[99] : 400;
      const returning = accountOf(firstOrphans[0])!;
      const attempts: string[] = [];
      const watched: Store = {
        ...store,
        prisma: new Proxy(store.prisma, {
          get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver);
            if (prop !== "$executeRaw") return value;
            return (strings: TemplateStringsArray, ...values: unknown[]) => {
              if (strings.join("?").includes("INSERT INTO cleanup_batches")) {
                try {
                  app.prepare(`INSERT INTO ${fx.table(PARENT)} (id, name) VALUES (?, 'came back')`).run(returning);
                  attempts.push("written");
                } catch (err) {
                  attempts.push((err as Error).message);
                }
              }
              return (value as (...a: unknown[]) => unknown).call(target, strings, ...values);
            };
          },
        }),
      };
      const result = await runBatch(watched, plan, { id: jobId, seq: 1 }, null, 100);

      expect(attempts).toEqual(["database is locked"]);
      expect(result).toMatchObject({ wrote: true, cursor: [BigInt(last)] });
      expect(result.counts.deleted).toBe(firstOrphans.length);
      const left = (app.prepare(`SELECT id FROM ${fx.table(PLAIN)} WHERE id <= ? ORDER BY id`).all(last) as { id: number }[]).map((r) => r.id);
      expect(left).toEqual(Array.from({ length: last }, (_, i) => i + 1).filter((id) => !isOrphan(id)));
      const batch = await store.prisma.cleanupBatch.findFirstOrThrow({ where: { jobId, seq: 1 } });
      expect([batch.status, batch.deleted]).toEqual(["applied", firstOrphans.length]);
      // and once it has committed, the application writes again
      expect(app.prepare(`INSERT INTO ${fx.table(PARENT)} (id, name) VALUES (?, 'came back')`).run(returning).changes).toBe(1);
    } finally {
      app.close();
      await pool.close();
    }
  });

  /** The relation's plan (a batch under the write lock) and a cleanup job of it in the store. */
  async function planAndJob(config: ReturnType<typeof loadConfig>, pool: TargetPool, name: string) {
    const relation = (await resolveRelations(config, pool)).relations.find((r) => r.name === name)!;
    const plan = await planCleanup(config, pool, relation);
    expect(plan.deleteUnderWriteLock).toBe(true);
    const { outcome } = await startCleanup(store, config, name, { requestedBy: "lock-test" });
    return { plan, jobId: (outcome as { jobId: string }).jobId };
  }

  /** A SQLite file with `account (id)` and a child table of its own DDL, and a config with one plain-delete relation on it. */
  function smallTarget(name: string, childDdl: string, rows: string[], accounts: number[]): { file: string; config: ReturnType<typeof loadConfig> } {
    const file = path.join(tmp.dir, `${name}.db`);
    const db = new Database(file);
    db.exec(`CREATE TABLE account (id INTEGER PRIMARY KEY); ${childDdl}`);
    for (const id of accounts) db.prepare(`INSERT INTO account (id) VALUES (?)`).run(id);
    for (const r of rows) db.exec(r);
    db.close();
    const configFile = path.join(tmp.dir, `${name}.yaml`);
    writeFileSync(
      configFile,
      `targets:\n  t: { dialect: sqlite, url: "file:${file}" }\nrelations:\n  - name: ${name}\n    child: { target: t, table: child, columns: [account_id] }\n    parent: { target: t, table: account, columns: [id] }\n    cleanup: { action: delete, graceDays: 0, batchSize: 10 }\n`,
    );
    return { file, config: loadConfig(configFile, { ...process.env }) };
  }

  it("walks a bounded stretch of the child under the lock, however sparse the orphans: the batch ends at the stretch's end", async () => {
    // 2,000 rows, orphans only at 700 and 1,900: a batch of 10 candidates walks 40 rows
    const NAME = "sparse";
    const { file, config } = smallTarget(
      NAME,
      `CREATE TABLE child (id INTEGER PRIMARY KEY, account_id INTEGER); CREATE INDEX child_account ON child (account_id);`,
      [
        `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 2000)
         INSERT INTO child (id, account_id) SELECT i, CASE i WHEN 700 THEN 99 WHEN 1900 THEN 98 ELSE 1 END FROM s`,
      ],
      [1],
    );
    const pool = new TargetPool(config.targets);
    try {
      const { plan, jobId } = await planAndJob(config, pool, NAME);
      const first = await runBatch(store, plan, { id: jobId, seq: 1 }, null, 10);
      expect(first).toMatchObject({ wrote: false, cursor: [40n], counts: { examined: 0 } });
      // walked to the end in such stretches, it deletes exactly the two orphans
      let cursor = first.cursor;
      let deleted = 0;
      for (let seq = 2; cursor; seq++) {
        const next = await runBatch(store, plan, { id: jobId, seq }, cursor, 10);
        deleted += next.counts.deleted;
        cursor = next.cursor;
      }
      expect(deleted).toBe(2);
      const check = new Database(file, { readonly: true });
      expect(check.prepare(`SELECT count(*) AS n FROM child`).get()).toEqual({ n: 1998 });
      check.close();
    } finally {
      await pool.close();
    }
  });

  it("rolls back a batch whose DELETE matched rows it did not read (a key compared under a looser collation) and deletes no live row", async () => {
    // 'abc' is an orphan; 'ABC', a different key under the primary key's BINARY order, has a live parent, but the column compares NOCASE
    const NAME = "collation";
    const { file, config } = smallTarget(
      NAME,
      `CREATE TABLE child (code TEXT COLLATE NOCASE, account_id INTEGER, PRIMARY KEY (code COLLATE BINARY));`,
      [`INSERT INTO child (code, account_id) VALUES ('abc', 99), ('ABC', 1)`],
      [1],
    );
    const pool = new TargetPool(config.targets);
    try {
      const { plan, jobId } = await planAndJob(config, pool, NAME);
      await expect(runBatch(store, plan, { id: jobId, seq: 1 }, null, 10)).rejects.toThrow(/matched other rows, not exactly the 1 it read/);
      const check = new Database(file, { readonly: true });
      expect(check.prepare(`SELECT code FROM child ORDER BY code COLLATE BINARY`).all()).toEqual([{ code: "ABC" }, { code: "abc" }]);
      check.close();
      // nothing happened, and the store says so: no intent left for reconcile to misread
      expect(await store.prisma.cleanupBatch.count({ where: { jobId } })).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
