import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { requestRun } from "./runs";

/**
 * Each advisory lock of the store has a key of its own. The audit chain's trigger used to
 * take 7311, the key "Verify all" takes: a run request then waited for every audit insert
 * still open (and the other way round). Seen on the real PostgreSQL: while a transaction
 * that inserted an audit event is open, a run request must not wait on a lock.
 */
describe.runIf(STORE_KINDS[1].available)("advisory locks on PostgreSQL", () => {
  let store: Store;
  let env: Record<string, string>;
  let dispose: () => Promise<void>;
  let auditing: pg.Client;
  let watcher: pg.Client;
  beforeAll(async () => {
    ({ store, env, dispose } = await STORE_KINDS[1].open());
    auditing = new pg.Client({ connectionString: env.DATABASE_URL });
    watcher = new pg.Client({ connectionString: env.DATABASE_URL });
    await auditing.connect();
    await watcher.connect();
  });
  afterAll(async () => {
    await auditing?.end().catch(() => {});
    await watcher?.end().catch(() => {});
    await dispose?.();
  });

  it("an open audit insert does not hold up a 'Verify all' request", async () => {
    await auditing.query("BEGIN");
    await auditing.query(`INSERT INTO audit_events (action, params, result, request_id) VALUES ('test.open', '{}', 'ok', 'r-open')`);
    let settled = false;
    const request = requestRun(store, "dpo-1").finally(() => (settled = true));
    // Until the request is done or is seen waiting for an advisory lock held by the open insert.
    let waiting = false;
    while (!settled && !waiting) {
      const r = await watcher.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks w
         WHERE w.locktype = 'advisory' AND NOT w.granted AND w.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      waiting = r.rows[0].n > 0;
    }
    await auditing.query("COMMIT");
    const run = await request;
    expect(waiting, "the run request waited for the audit chain's lock").toBe(false);
    expect(run.created).toBe(true);
  });
});
