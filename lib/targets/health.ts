import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import type { TargetSpec } from "../config/types";
import { userErrorOf } from "../errors/map";
import type { TablePrivileges } from "./privileges";
import { withoutSecrets } from "./settings";
import type { TableRef, Target } from "./types";

/** One target as the Targets page shows it: reached or not, its server, and what its user may do. */
export interface TargetHealth {
  name: string;
  dialect: TargetSpec["dialect"];
  reachable: boolean;
  /** Why it could not be reached or read (credentials never appear: the dialects' errors name the target, not its URL). */
  error: string | null;
  version: string | null;
  /** One `SELECT 1` on an open connection, in milliseconds. */
  roundTripMs: number | null;
  privileges: TablePrivileges[];
}

/**
 * Reaches one open target (or the error that opening it gave): its version, one timed round
 * trip, and its user's privileges on `tables` (given with their schema resolved, or
 * resolved here against the target's default schema when null).
 */
export async function targetHealth(spec: TargetSpec, open: Promise<Target>, tables: { schema: string | null; table: string }[]): Promise<TargetHealth> {
  const base = { name: spec.name, dialect: spec.dialect };
  try {
    const target = await open;
    const version = await target.serverVersion();
    const start = performance.now();
    await target.query(sql`SELECT 1`);
    const roundTripMs = performance.now() - start;
    const schema = tables.some((t) => t.schema === null) ? await target.defaultSchema() : "";
    const refs: TableRef[] = tables.map((t) => ({ schema: t.schema ?? schema, table: t.table }));
    return { ...base, reachable: true, error: null, version, roundTripMs, privileges: await target.privileges(refs) };
  } catch (err) {
    return {
      ...base,
      reachable: false,
      error: withoutSecrets(userErrorOf(err)?.message ?? "cannot be reached", spec),
      version: null,
      roundTripMs: null,
      privileges: [],
    };
  }
}
