import "server-only";
import type { Config } from "../config/types";
import { TargetPool } from "../targets/pool";
import { softDeleteGauges, type SoftDeleteGauge } from "./gauges";

export interface Backlog {
  gauges: SoftDeleteGauge[];
  /** Over every table: soft-deleted rows, and those waiting past grace for their purge. */
  deleted: number;
  pending: number;
  alerts: number;
  errors: number;
}

/** The gauges of every soft-delete table, read now from the targets (pages and the overview tile). */
export async function loadBacklog(config: Config): Promise<Backlog> {
  const pool = new TargetPool(config.targets);
  try {
    const gauges = await softDeleteGauges(config, pool);
    const ok = gauges.filter((g) => !g.error);
    return {
      gauges,
      deleted: ok.reduce((n, g) => n + g.deleted, 0),
      pending: ok.reduce((n, g) => n + g.pending, 0),
      alerts: ok.filter((g) => g.alert).length,
      errors: gauges.length - ok.length,
    };
  } finally {
    await pool.close();
  }
}
