import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHILD, createCleanupFixture, EVENTS, hasTag, isOrphan, ORPHAN_IDS, PLAIN, TAGS, tempDir, type CleanupFixture } from "../../test/cleanup-fixture";
import { hasMysql, hasPostgres } from "../../test/services";
import { STORE_KINDS } from "../../test/stores";
import { loadConfig } from "../config/load";
import type { Config, Dialect } from "../config/types";
import type { Store } from "../store/client";
import { runCleanupJob } from "./engine";
import { startCleanup } from "./start";

// The embedded databases (one PGlite session per folder, one SQLite file) and the servers.
const DIALECTS: { dialect: Dialect; available: boolean }[] = [
  { dialect: "pglite", available: true },
  { dialect: "sqlite", available: true },
  { dialect: "postgres", available: hasPostgres },
  { dialect: "mysql", available: hasMysql },
];
const LIVE_IDS = Array.from({ length: EVENTS }, (_, i) => i + 1).filter((id) => !isOrphan(id));

describe.each(DIALECTS)("two cleanups at once in one $dialect database", ({ dialect, available }) => {
  let store: Store;
  let disposeStore: () => Promise<void>;
  let fx: CleanupFixture;
  let tmp: ReturnType<typeof tempDir>;
  let config: Config;
  beforeAll(async () => {
    if (!available) return;
    ({ store, dispose: disposeStore } = await STORE_KINDS[0].open());
    tmp = tempDir();
    fx = await createCleanupFixture(dialect, tmp.dir);
    config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
  });
  afterAll(async () => {
    await disposeStore?.();
    await fx?.drop();
    tmp?.remove();
  });

  const ids = async (table: string) => (await fx.query(`SELECT id FROM ${fx.table(table)} ORDER BY id`)).map((r) => Number(r.id));

  it.runIf(available)("each job's batches commit whole: every orphan removed once, every live row kept, nothing failed", async () => {
    const jobs: string[] = [];
    for (const name of ["events_account", "plain_account"]) {
      const { outcome } = await startCleanup(store, config, name, { requestedBy: "concurrency-test" });
      if (outcome.kind !== "created") throw new Error(JSON.stringify(outcome));
      jobs.push(outcome.jobId);
    }
    // each job opens its own targets, as two workers in one process do
    expect(await Promise.all(jobs.map((id) => runCleanupJob(store, config, id)))).toEqual(["completed", "completed"]);
    for (const id of jobs) {
      const job = await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id } });
      expect({ deleted: Number(job.deleted), failed: Number(job.failed), error: job.error }).toEqual({ deleted: ORPHAN_IDS.length, failed: 0, error: null });
    }
    expect(await ids(CHILD)).toEqual(LIVE_IDS);
    expect(await ids(PLAIN)).toEqual(LIVE_IDS);
    expect(await ids(TAGS)).toEqual(LIVE_IDS.filter(hasTag));
  });
});
