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
      const firstOrphans = ORPHAN_IDS.slice(0, 100);
      const last = firstOrphans[99];
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
});
