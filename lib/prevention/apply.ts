import type { Config } from "../config/types";
import type { TargetPool } from "../targets/pool";
import type { MigrationStep } from "../targets/types";
import type { PreventionAction } from "./action";
import { proposePrevention } from "./propose";
import type { Proposal } from "./types";

export interface AppliedStep {
  relations: string[];
  title: string;
  status: "done" | "failed" | "not_run";
  error?: string;
}

export interface VerifiedConstraint {
  relation: string;
  constraint: string;
  exists: boolean;
  validated: boolean;
  onDelete: string | null;
}

export interface ApplyResult {
  /** applied: every step ran and every constraint is verified; blocked: refused before any step; failed: a step failed or a check did not hold. */
  status: "applied" | "blocked" | "failed";
  reason: string;
  proposals: Proposal[];
  steps: AppliedStep[];
  verified: VerifiedConstraint[];
}

export interface ApplyOptions {
  actions?: Record<string, PreventionAction>;
  /** Called before each step runs (progress). */
  onStep?: (index: number, total: number, step: MigrationStep) => void | Promise<void>;
}

/**
 * Applies the constraints of these relations. The proposals are made afresh, orphans
 * counted now: a relation that got orphans since it was proposed refuses the whole apply
 * as blocked, before any statement. Steps run in order; the first that fails stops the
 * rest and the result says what was done. Afterwards each constraint is read back from
 * the catalog: present, with its ON DELETE, and validated.
 */
export async function applyPrevention(config: Config, pool: TargetPool, relations: string[], opts: ApplyOptions = {}): Promise<ApplyResult> {
  const proposals = await proposePrevention(config, pool, { only: relations, actions: opts.actions });
  const blocked = proposals.filter((p) => p.status === "blocked");
  if (blocked.length) {
    return { status: "blocked", reason: blocked.map((p) => `${p.relation}: ${p.reason}`).join("; "), proposals, steps: [], verified: [] };
  }
  const ready = proposals.filter((p) => p.status === "ready");
  // a SQLite rebuild is one step shared by every relation of its table: run once
  const steps: { step: MigrationStep; target: string; relations: string[] }[] = [];
  for (const p of ready) {
    for (const step of p.statements) {
      const seen = steps.find((s) => s.step === step);
      if (seen) seen.relations.push(p.relation);
      else steps.push({ step, target: p.child.target, relations: [p.relation] });
    }
  }
  const report: AppliedStep[] = steps.map((s) => ({ relations: s.relations, title: s.step.title, status: "not_run" }));
  for (const [i, s] of steps.entries()) {
    await opts.onStep?.(i, steps.length, s.step);
    try {
      await (await pool.get(s.target)).runMigrationStep(s.step);
      report[i].status = "done";
    } catch (err) {
      report[i].status = "failed";
      report[i].error = (err as Error).message;
      const done = report.filter((r) => r.status === "done").map((r) => r.title);
      return {
        status: "failed",
        reason: `step "${s.step.title}" failed: ${(err as Error).message}. Done before it: ${done.length ? done.join("; ") : "nothing"}. Not run: ${steps.length - i - 1} step(s).`,
        proposals,
        steps: report,
        verified: [],
      };
    }
  }
  const verified = await verify(pool, ready);
  const bad = verified.filter((v) => !v.exists || !v.validated);
  return {
    status: bad.length ? "failed" : "applied",
    reason: bad.length
      ? `not enforced afterwards: ${bad.map((v) => v.relation).join(", ")}`
      : ready.length
        ? `${ready.length} constraint(s) added and validated`
        : "nothing to apply: no proposal is ready",
    proposals,
    steps: report,
    verified,
  };
}

/** Each added constraint as the catalog shows it now (read afresh). */
async function verify(pool: TargetPool, ready: Proposal[]): Promise<VerifiedConstraint[]> {
  const out: VerifiedConstraint[] = [];
  for (const p of ready) {
    const fk = p.foreignKey!;
    const enforced = await (await pool.get(p.child.target)).enforcedForeignKeys();
    const found = enforced.find(
      (e) =>
        e.child.table === fk.child.table &&
        e.child.schema === fk.child.schema &&
        e.child.columns.join("\u0000") === fk.child.columns.join("\u0000") &&
        e.parent.table === fk.parent.table &&
        e.parent.columns.join("\u0000") === fk.parent.columns.join("\u0000") &&
        e.onDelete === fk.onDelete,
    );
    out.push({ relation: p.relation, constraint: fk.name, exists: !!found, validated: !!found?.validated, onDelete: found?.onDelete ?? null });
  }
  return out;
}
