import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "../../config/types";
import { requestPreventionApply } from "../../prevention/jobs";
import { proposalJson } from "../../prevention/json";
import { confirmationPhrase } from "../../prevention/prevention.validation";
import { proposePrevention } from "../../prevention/propose";
import { sqlFiles } from "../../prevention/sql-files";
import type { Proposal } from "../../prevention/types";
import { openStore } from "../../store/client";
import { TargetPool } from "../../targets/pool";
import { audited, cliActor } from "../actor";
import { EXIT, formatCount, table, type Output } from "../io";
import { awaitingPreventionApproval, runPreventionHere } from "./prevent-run";

export interface PreventOptions {
  relations: string[];
  execute: boolean;
  /** Write the ready proposals' migration here, one file per statement group. */
  sqlDir?: string;
  /** Who asks (--as EMAIL, ops); else the OS user. */
  as?: string;
}

/**
 * `custodian prevent [--relation NAME]... [--sql-dir DIR] [--execute [--as EMAIL]]`: the
 * constraints that would keep each relation clean, with their statements and impact;
 * --sql-dir writes the migration for the team's own tool; --execute applies the ready ones
 * as a constraint job (exit 3 when the config asks for a second person's approval, exit 1
 * when refused or a step failed).
 */
export async function preventCommand(config: Config, out: Output, opts: PreventOptions): Promise<number> {
  const pool = new TargetPool(config.targets);
  try {
    if (opts.execute) return await execute(config, pool, out, opts);
    const proposals = await proposePrevention(config, pool, { only: opts.relations });
    const written = opts.sqlDir ? writeSql(opts.sqlDir, proposals) : [];
    out.result({ proposals: proposals.map(proposalJson), ...(opts.sqlDir ? { sqlFiles: written } : {}) }, () => human(proposals, written));
    return EXIT.ok;
  } finally {
    await pool.close();
  }
}

/**
 * --execute: a constraint job, as the console's Apply asks for one (lib/prevention/jobs.ts),
 * requested as --as EMAIL (ops) or the OS user. With prevention.requireApproval it waits
 * for a second person: exit 3 with its URL (`custodian job ID approve --as EMAIL` runs it).
 * Otherwise it runs here to its end: exit 1 if it was blocked or a step failed.
 */
async function execute(config: Config, pool: TargetPool, out: Output, opts: PreventOptions): Promise<number> {
  const relations = opts.relations.length ? opts.relations : (await proposePrevention(config, pool)).filter((p) => p.status === "ready").map((p) => p.relation);
  if (!relations.length) {
    out.result({ applied: false, reason: "no proposal is ready" }, () => "nothing to apply: no proposal is ready");
    return EXIT.ok;
  }
  const store = await openStore({ purpose: "custodian prevent --execute" });
  try {
    const act = { action: "prevention.request", permission: "prevention.apply" as const, object: `relations:${relations.join(",")}`, params: { relations } };
    const actor = await cliActor(store, opts.as, act);
    const { jobId, status } = await audited(store, actor, act, () =>
      requestPreventionApply(store, config, pool, { relations, confirm: confirmationPhrase(relations), requestedBy: actor.userId }),
    );
    if (status === "awaiting_approval") return awaitingPreventionApproval(out, jobId);
    return await runPreventionHere(store, config, out, jobId);
  } finally {
    await store.close();
  }
}

function writeSql(dir: string, proposals: Proposal[]): string[] {
  mkdirSync(dir, { recursive: true });
  return sqlFiles(proposals).map((f) => {
    const file = path.join(dir, f.name);
    writeFileSync(file, f.content);
    return file;
  });
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
