import { recordAudit } from "../../audit/record";
import type { Config } from "../../config/types";
import { gaugeOf } from "../../softdelete/gauges";
import { planPurge } from "../../softdelete/purge-plan";
import { requestPurge, runPurgeJob } from "../../softdelete/purge-job";
import { configName, findSoftDeleteConfig, resolveSoftDeleteTable } from "../../softdelete/tables";
import { openStore } from "../../store/client";
import { TargetPool } from "../../targets/pool";
import { cliActor } from "../actor";
import { EXIT, formatCount, type Output } from "../io";

/**
 * `custodian purge [--table TARGET.TABLE] [--execute]`: a dry run by default (rows past
 * grace per table and what a purge does below them); with --execute, a purge job per
 * table run here to its end, as --as EMAIL (who must hold purges.run) or the OS user.
 * Exit 1 when a subject's purge is partial or failed.
 */
export async function purgeCommand(config: Config, out: Output, opts: { table?: string; execute: boolean; as?: string }): Promise<number> {
  const entries = opts.table ? [findSoftDeleteConfig(config, opts.table)] : config.softDelete;
  if (!entries.length) {
    out.result({ tables: [] }, () => "no soft-delete table is configured (softDelete: in the config)");
    return EXIT.ok;
  }
  if (!opts.execute) {
    const pool = new TargetPool(config.targets);
    try {
      const tables: {
        table: string;
        deleted: number;
        pending: number;
        graceDays: number;
        subject: string;
        below: { table: string; relation: string; action: string }[];
      }[] = [];
      for (const entry of entries) {
        const g = await gaugeOf(config, pool, entry);
        if (g.error) throw new Error(g.error);
        const plan = await planPurge(config, await resolveSoftDeleteTable(config, pool, entry));
        const below = plan.steps.flatMap((s) => s.parts.flatMap((p) => p.nodes.map((n) => ({ table: n.label, relation: n.relation, action: n.action }))));
        tables.push({ table: configName(entry), deleted: g.deleted, pending: g.pending, graceDays: g.graceDays, subject: plan.subject, below });
      }
      out.result({ dryRun: true, tables }, () =>
        [
          ...tables.flatMap((t) => [
            `${t.table}: ${formatCount(t.pending)} past the ${t.graceDays}-day grace (of ${formatCount(t.deleted)} soft-deleted); each would be ${t.subject === "delete" ? "deleted" : "redacted"} with, below it:`,
            ...t.below.map((b) => `  ${b.table} (${b.relation}): ${b.action}`),
          ]),
          "dry run: nothing changed; run again with --execute to purge",
        ].join("\n"),
      );
      return EXIT.ok;
    } finally {
      await pool.close();
    }
  }
  const store = await openStore({ purpose: "custodian purge" });
  try {
    const what = opts.table ? `table:${configName(entries[0])}` : "table:*";
    const actor = await cliActor(store, opts.as, { action: "purges.start", permission: "purges.run", object: what });
    const results: PurgeResult[] = [];
    for (const entry of entries) {
      const name = configName(entry);
      const { jobId, created } = await requestPurge(store, name, { requestedBy: actor.userId, trigger: "manual" });
      await recordAudit(store, {
        actorId: actor.userId,
        actorRoles: actor.roles,
        action: "purges.start",
        object: `table:${name}`,
        params: { table: name, source: "cli", resumed: !created },
        result: "ok",
        requestId: actor.requestId,
      });
      out.progress(`purge of ${name}: job ${jobId}`);
      const end = await runPurgeJob(store, config, jobId, { log: out.progress });
      const job = await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId } });
      const requests = await store.prisma.deletionRequest.findMany({ where: { jobId }, include: { steps: { orderBy: { seq: "asc" } } } });
      results.push({
        table: name,
        jobId,
        status: end,
        subjects: job.subjects,
        completed: job.completed,
        partial: job.partial,
        failed: job.failed,
        ...(job.error ? { error: job.error } : {}),
        requests: requests.map((r) => ({
          token: r.token,
          key: JSON.parse(r.key),
          status: r.status,
          error: r.error,
          steps: r.steps.map((s) => ({
            target: s.target,
            status: s.status,
            removed: Number(s.removed),
            redacted: Number(s.redacted),
            maxStatementMs: Math.round(s.maxStatementMs),
            error: s.error,
          })),
        })),
      });
    }
    out.result({ tables: results }, () =>
      results
        .map((r) =>
          [
            `${r.table}: ${r.status} — ${formatCount(r.completed)} completed, ${formatCount(r.partial)} partial, ${formatCount(r.failed)} failed of ${formatCount(r.subjects)} subjects`,
            ...r.requests
              .filter((q) => q.status !== "completed" && q.status !== "cancelled")
              .map((q) => `  ${q.key.join(", ")} (${q.token}): ${q.status}: ${q.error ?? ""}`),
          ].join("\n"),
        )
        .join("\n"),
    );
    return results.every((r) => r.status === "completed") ? EXIT.ok : EXIT.failed;
  } finally {
    await store.close();
  }
}

interface PurgeResult {
  table: string;
  jobId: string;
  status: string;
  subjects: number;
  completed: number;
  partial: number;
  failed: number;
  error?: string;
  requests: {
    token: string;
    key: string[];
    status: string;
    error: string | null;
    steps: { target: string; status: string; removed: number; redacted: number; maxStatementMs: number; error: string | null }[];
  }[];
}
