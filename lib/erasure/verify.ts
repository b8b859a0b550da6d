import type { Config } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import type { Relation } from "../relations/types";
import type { TargetPool } from "../targets/pool";
import type { ResolvedSubject } from "./subjects";
import type { SubjectTrace } from "./trace";
import { walkSubject, type TableResidue } from "./walk";

export type Verdict = "complete" | "incomplete";

export interface Verification {
  subject: ResolvedSubject;
  verdict: Verdict;
  /** Every table checked, with what is left; a table with an error could not be checked. */
  tables: TableResidue[];
  residualRows: number;
  /** Targets whose catalog could not be read: their declared relations, and so their tables, are unknown. */
  failures: { target: string; error: string }[];
  /** Relations not followed because they close a cycle. */
  cycles: string[];
  /**
   * Columns that look like references to the subject's table (lib/erasure/coverage.ts)
   * that no relation covers and nobody marked "not personal data": never checked. A
   * "complete" verdict says how many (filled in when a request is verified).
   */
  unreviewed?: UnreviewedColumn[];
  /** What Custodian knew of the key before (filled in when a request is verified). */
  trace?: SubjectTrace;
}

export interface UnreviewedColumn {
  target: string;
  schema: string;
  table: string;
  column: string;
}

/**
 * Is everything about this subject gone? Complete only when every reachable table holds
 * no residue and every table and target could be read: what was not checked is never
 * reported as erased.
 */
export async function verifySubject(
  config: Config,
  pool: TargetPool,
  subject: ResolvedSubject,
  resolved?: { relations: Relation[]; failures: { target: string; error: string }[] },
): Promise<Verification> {
  const { relations, failures } = resolved ?? (await resolveRelations(config, pool));
  const { tables, cycles } = await walkSubject(config, pool, relations, subject);
  const residualRows = tables.reduce((n, t) => n + t.residualRows, 0);
  const clean = residualRows === 0 && tables.every((t) => !t.error) && failures.length === 0;
  return {
    subject,
    verdict: clean ? "complete" : "incomplete",
    tables,
    residualRows,
    failures: failures.map((f) => ({ target: f.target, error: f.error })),
    cycles,
  };
}
