import { sql } from "kysely";
import type { Session } from "../session";
import type { LoadReading } from "../types";

/**
 * What throttling reads (lib/targets/throttle.ts), as gh-ost and pt-archiver do:
 * - replica lag from SHOW REPLICA STATUS on the replica itself (a primary does not know
 *   its replicas' lag; none there reads null). MariaDB names it Seconds_Behind_Master,
 *   MySQL 8.0.22+ Seconds_Behind_Source; it needs REPLICATION CLIENT (MySQL) or
 *   SLAVE MONITOR (MariaDB 10.5+), a refusal is reported as permission_denied;
 *   SHOW SLAVE STATUS is the spelling servers before MariaDB 10.5 / MySQL 8.0.22 know;
 * - Threads_running, which needs no privilege.
 */
export async function readMysqlLoad(session: Session): Promise<LoadReading> {
  const replicas = await session.run(sql<Record<string, unknown>>`SHOW REPLICA STATUS`).catch(async (err) => {
    if (!/syntax/i.test((err as Error).message)) throw err;
    return session.run(sql<Record<string, unknown>>`SHOW SLAVE STATUS`);
  });
  const lags = replicas.map((r) => r.Seconds_Behind_Master ?? r.Seconds_Behind_Source);
  const [threads] = await session.run(sql<{ Value: string }>`SHOW GLOBAL STATUS LIKE 'Threads_running'`);
  // A replica whose SQL thread stopped reports NULL lag: unknown is not "caught up".
  const replicaLagMs = lags.length === 0 ? null : lags.some((l) => l == null) ? Number.POSITIVE_INFINITY : Math.max(...lags.map((l) => Number(l) * 1000));
  // Threads_running counts this connection's own SHOW.
  return { replicaLagMs, threadsRunning: Math.max(0, Number(threads.Value) - 1) };
}
