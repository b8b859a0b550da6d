import "server-only";
import type { Config } from "../config/types";
import { TargetPool } from "../targets/pool";
import { summarizeBacklog } from "./stored-backlog";
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
    return summarizeBacklog(await softDeleteGauges(config, pool));
  } finally {
    await pool.close();
  }
}
