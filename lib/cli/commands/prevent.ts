import { mkdirSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { recordAudit } from "../../audit/record";
import type { Config } from "../../config/types";
import { applyPrevention, type ApplyResult } from "../../prevention/apply";
import { proposePrevention } from "../../prevention/propose";
import { sqlFiles } from "../../prevention/sql-files";
import type { Proposal } from "../../prevention/types";
import type { Endpoint } from "../../relations/types";
import { openStore } from "../../store/client";
import { TargetPool } from "../../targets/pool";
import { EXIT, formatCount, table, type Output } from "../io";

export interface PreventOptions {
  relations: string[];
  execute: boolean;
  /** Write the ready proposals' migration here, one file per statement group. */
  sqlDir?: string;
}

/**
 * `custodian prevent [--relation NAME]... [--sql-dir DIR] [--execute]`: the constraints
 * that would keep each relation clean, with their statements and impact; --sql-dir writes
 * the migration for the team's own tool; --execute applies the ready ones (exit 3 when the
 * config asks for a second person's approval, exit 1 when refused or a step failed).
 */
export async function preventCommand(config: Config, out: Output, opts: PreventOptions): Promise<number> {
  const pool = new TargetPool(config.targets);
  try {
    if (opts.execute) return await execute(config, pool, out, opts);
    const proposals = await proposePrevention(config, pool, { only: opts.relations });
    const written = opts.sqlDir ? writeSql(opts.sqlDir, proposals) : [];
    out.result({ proposals: proposals.map(toJson), ...(opts.sqlDir ? { sqlFiles: written } : {}) }, () => human(proposals, written));
    return EXIT.ok;
  } finally {
    await pool.close();
  }
}

async function execute(config: Config, pool: TargetPool, out: Output, opts: PreventOptions): Promise<number> {
  if (config.prevention.requireApproval) {
    const reason =
      "applying constraints waits for a second person's approval (prevention.requireApproval); download the SQL with --sql-dir, or set prevention: { requireApproval: false }";
    out.progress(`custodian: ${reason}`);
    out.result({ applied: false, awaitingApproval: true, reason }, () => reason);
    return EXIT.awaitingApproval;
  }
  const relations = opts.relations.length ? opts.relations : (await proposePrevention(config, pool)).filter((p) => p.status === "ready").map((p) => p.relation);
  const result = await applyPrevention(config, pool, relations, {
    onStep: (i, total, step) => out.progress(`[${i + 1}/${total}] ${step.title}`),
  });
  const store = await openStore({ purpose: "custodian prevent" });
  try {
    await recordAudit(store, {
      actorId: `cli:${userInfo().username}`,
      actorRoles: [],
      action: "prevention.apply",
      object: `relations:${relations.join(",")}`,
      params: { relations, source: "cli", steps: result.steps.map((s) => `${s.title}: ${s.status}`) },
      result: result.status === "applied" ? "ok" : "failed",
      reason: result.reason,
      requestId: `cli-${process.pid}`,
    });
  } finally {
    await store.close();
  }
  out.result(applyJson(result), () =>
    [`${result.status}: ${result.reason}`, ...result.steps.map((s) => `  ${s.status.padEnd(7)} ${s.title}${s.error ? ` (${s.error})` : ""}`)].join("\n"),
  );
  return result.status === "applied" ? EXIT.ok : EXIT.failed;
}

function writeSql(dir: string, proposals: Proposal[]): string[] {
  mkdirSync(dir, { recursive: true });
  return sqlFiles(proposals).map((f) => {
    const file = path.join(dir, f.name);
    writeFileSync(file, f.content);
    return file;
  });
}

function endpoint(e: Endpoint) {
  return { target: e.target, schema: e.schema, table: e.table, columns: e.columns };
}

export function toJson(p: Proposal) {
  return {
    relation: p.relation,
    child: endpoint(p.child),
    parent: endpoint(p.parent),
    status: p.status,
    reason: p.reason,
    action: p.action,
    actionReason: p.actionReason,
    orphans: p.orphans,
    constraint: p.constraint,
    replaces: p.replaces,
    statements: p.statements.map((s) => ({
      title: s.title,
      comment: s.comment,
      sql: s.statements.map((x) => x.sql),
      lock: s.lock,
      writesBlocked: s.writesBlocked,
      copiesTable: s.copiesTable,
    })),
    impact: p.impact,
    ...(p.indexAdvice ? { indexAdvice: p.indexAdvice } : {}),
  };
}

function applyJson(r: ApplyResult) {
  return { status: r.status, reason: r.reason, steps: r.steps, verified: r.verified, proposals: r.proposals.map(toJson) };
}

function human(proposals: Proposal[], written: string[]): string {
  const rows = [["relation", "status", "on delete", "orphans", "child rows", "writes blocked", "reason"]];
  for (const p of proposals) {
    rows.push([p.relation, p.status, p.action, formatCount(p.orphans), formatCount(p.impact?.childRows), p.impact?.writesBlocked ?? "", p.reason]);
  }
  const lines = [table(rows, ["l", "l", "l", "r", "r", "l", "l"])];
  for (const p of proposals.filter((p) => p.status === "ready")) {
    lines.push("", `${p.relation}: ${p.constraint} (ON DELETE ${p.action}: ${p.actionReason})`);
    for (const s of p.statements) lines.push(`  -- ${s.title} (lock ${s.lock}; writes blocked: ${s.writesBlocked})`, ...s.statements.map((x) => `  ${x.sql};`));
  }
  if (written.length) lines.push("", `wrote ${written.length} SQL file(s):`, ...written.map((f) => `  ${f}`));
  return lines.join("\n");
}
