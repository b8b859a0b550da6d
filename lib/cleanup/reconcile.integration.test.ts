import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCleanupFixture, ORPHAN_IDS, PLAIN, tempDir, type CleanupFixture } from "../../test/cleanup-fixture";
import { STORE_KINDS } from "../../test/stores";
import { loadConfig } from "../config/load";
import { resolveRelations } from "../relations/resolve";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { packedIntegerKeys } from "./intent";
import { planCleanup } from "./plan";
import { reconcilePending } from "./reconcile";
import { startCleanup } from "./start";

/**
 * A batch left "applying" (its worker died between the target's commit and the outcome):
 * the next run settles it from its intent. Intents written in the forms of earlier versions
 * (bare arrays, objects { pk }) must settle the same way: a job paused across an upgrade resumes on them.
 */
describe("a pending batch is settled from its intent, in either stored form", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let fx: CleanupFixture;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    ({ store, dispose } = await STORE_KINDS[0].open());
  });
  afterAll(async () => {
    await dispose?.();
  });
  beforeEach(async () => {
    tmp = tempDir();
    fx = await createCleanupFixture("sqlite", tmp.dir);
  });
  afterEach(async () => {
    // one job per relation at a time: the next test asks for its own
    await store.prisma.cleanupJob.updateMany({ where: { relation: "plain_account" }, data: { status: "cancelled" } });
    await fx?.drop();
    tmp?.remove();
  });

  const forms: Record<string, (pks: string[]) => unknown> = {
    "packed integer keys": (pks) => packedIntegerKeys(pks.map((pk) => [pk])),
    "bare keys": (pks) => pks.map((pk) => [pk]),
    "{ pk } objects": (pks) => pks.map((pk) => ({ pk: [pk] })),
  };
  for (const [form, stored] of Object.entries(forms))
    it(`${form}: the rows gone are counted deleted, the one still there spared, the job moves past the batch`, async () => {
      const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
      const { outcome } = await startCleanup(store, config, "plain_account", { requestedBy: "u-ops" });
      const jobId = (outcome as { jobId: string }).jobId;
      const [a, b, c] = ORPHAN_IDS.map(String);
      await store.prisma.cleanupBatch.create({ data: { jobId, seq: 1, status: "applying", keys: stored([a, b, c]) as object, cursorTo: [c] } });
      const pool = new TargetPool(config.targets);
      try {
        // the batch's transaction had committed two of its three rows before the worker died
        const target = await pool.get("fx");
        await target.transaction(5000, (tx) => tx.execute(sql`DELETE FROM ${sql.id(PLAIN)} WHERE id IN (${Number(a)}, ${Number(b)})`));
        const relation = (await resolveRelations(config, pool)).relations.find((r) => r.name === "plain_account")!;
        expect(await reconcilePending(store, await planCleanup(config, pool, relation), jobId)).toBe(true);
      } finally {
        await pool.close();
      }
      const job = await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } });
      expect({ deleted: Number(job.deleted), spared: Number(job.skippedNotOrphan), batches: job.batches, cursor: job.cursor }).toEqual({
        deleted: 2,
        spared: 1,
        batches: 1,
        cursor: [c],
      });
      const batch = await store.prisma.cleanupBatch.findFirstOrThrow({ where: { jobId, seq: 1 } });
      expect({ status: batch.status, deleted: batch.deleted }).toEqual({ status: "applied", deleted: 2 });
    });
});
