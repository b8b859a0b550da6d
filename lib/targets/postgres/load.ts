import { sql } from "kysely";
import type { Session } from "../session";
import { TargetError } from "../errors";
import type { LoadReading } from "../types";

/**
 * What throttling reads (lib/targets/throttle.ts), in one statement:
 * - replica lag: on a replica itself, how long since the last replayed transaction; on a
 *   primary, the largest replay_lag of its replicas (pg_stat_replication);
 * - active client backends other than this one (PostgreSQL's Threads_running).
 * Both need pg_read_all_stats (pg_monitor) to see other roles' sessions: without it
 * replay_lag reads NULL, which must not pass for "no lag".
 */
export async function readPostgresLoad(session: Session): Promise<LoadReading> {
  const [row] = await session.run(sql<{ lag_ms: string | null; replicas: string; active: string; sees_all: boolean }>`
    SELECT CASE WHEN pg_is_in_recovery()
             THEN extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000
             ELSE (SELECT max(extract(epoch FROM replay_lag)) * 1000 FROM pg_stat_replication) END AS lag_ms,
           (SELECT count(*) FROM pg_stat_replication) AS replicas,
           (SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()) AS active,
           pg_has_role('pg_read_all_stats', 'MEMBER') AS sees_all`);
  if (Number(row.replicas) > 0 && !row.sees_all) {
    throw new TargetError(
      "permission_denied",
      session.name,
      `${session.name}: cannot read replica lag: the role needs pg_read_all_stats (GRANT pg_monitor TO …) to see pg_stat_replication's lag columns`,
    );
  }
  return { replicaLagMs: row.lag_ms == null ? null : Number(row.lag_ms), threadsRunning: Number(row.active) };
}
