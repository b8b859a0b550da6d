import { userInfo } from "node:os";
import { recordAudit } from "../../audit/record";
import { runCleanupJob } from "../../cleanup/engine";
import { startCleanup } from "../../cleanup/start";
import { cleanupStatus, type CleanupStatus } from "../../cleanup/status";
import type { Config } from "../../config/types";
import { publicUrl } from "../../auth/origin";
import { openStore, type Store } from "../../store/client";
import { EXIT, formatCount, type Output } from "../io";

/**
 * `custodian cleanup --relation NAME [--execute] [--batch-size N]`: the dry run by default
 * (counts, sample, rows below); with --execute, the same job the console starts, run here
 * to its end with progress on stderr. The CLI's person is the OS user, as "cli:<user>".
 */
export async function cleanupCommand(config: Config, out: Output, opts: { relation: string; execute: boolean; batchSize?: number }): Promise<number> {
  const store = await openStore({ purpose: "custodian cleanup" });
  const actor = `cli:${userInfo().username}`;
  try {
    if (!opts.execute) {
      const { previewByName } = await import("../../cleanup/start");
      const p = await previewByName(store, config, opts.relation);
      out.result({ dryRun: true, ...p }, () =>
        [
          `dry run of ${p.relation} (${p.action.replace(/_/g, " ")}; nothing changed):`,
          `  ${formatCount(p.eligible)} eligible now, ${formatCount(p.inGrace)} inside the ${p.graceDays}-day grace period, ${formatCount(p.allowlisted)} allowlisted (${formatCount(p.orphans)} orphan rows)`,
          ...p.dependents.map(
            (d) => `  below them: ${d.table}: ${formatCount(d.rows)} rows (${d.policy}; counted for the first ${formatCount(p.dependentSampleOf)})`,
          ),
          ...p.cycles.map((c) => `  cycle not followed: ${c}`),
          p.needsApproval
            ? `  over ${formatCount(Math.max(0, p.approvalThreshold - p.removedWithoutApproval))} rows${p.removedWithoutApproval ? ` (the threshold of ${formatCount(p.approvalThreshold)} less ${formatCount(p.removedWithoutApproval)} removed without approval in the last 24 h)` : ""}: the job will wait for a second person's approval`
            : "",
          `run again with --execute to clean up`,
        ]
          .filter(Boolean)
          .join("\n"),
      );
      return EXIT.ok;
    }
    const { outcome } = await startCleanup(store, config, opts.relation, { requestedBy: actor, batchSize: opts.batchSize });
    if (outcome.kind === "refused") {
      out.progress(`custodian: ${outcome.reason} (job ${outcome.jobId})`);
      out.result({ jobId: outcome.jobId, status: outcome.status, refused: outcome.reason }, () => `refused: ${outcome.reason}; job ${outcome.jobId}`);
      return EXIT.failed;
    }
    await recordAudit(store, {
      actorId: actor,
      actorRoles: [],
      action: "cleanups.start",
      object: `relation:${opts.relation}`,
      params: { relation: opts.relation, source: "cli", resumed: outcome.kind === "resumed" },
      result: "ok",
      requestId: `cli-${process.pid}`,
    });
    if (outcome.kind === "created" && outcome.status === "awaiting_approval") return await awaitingApproval(store, out, outcome.jobId);
    out.progress(`job ${outcome.jobId}${outcome.kind === "resumed" ? " (resumed from its checkpoint)" : ""}`);
    const ticker = setInterval(async () => {
      const s = await cleanupStatus(store, outcome.jobId).catch(() => null);
      if (s) out.progress(`  ${Math.round(s.progress * 100)}%  ${formatCount(s.deleted + s.nulled)} changed, ${formatCount(s.examined)} examined`);
    }, 2000);
    const end = await runCleanupJob(store, config, outcome.jobId, { log: out.progress });
    clearInterval(ticker);
    const s = (await cleanupStatus(store, outcome.jobId))!;
    out.result(summary(s), () =>
      [
        `job ${s.id}: ${s.status}${s.error ? ` (${s.error})` : ""}`,
        `  ${formatCount(s.action === "set_null" ? s.nulled : s.deleted)} ${s.action === "set_null" ? "unlinked" : "deleted"}, ${formatCount(s.dependentsRemoved)} rows below removed first, ${formatCount(s.archived)} archived`,
        `  skipped: ${formatCount(s.skipped.grace)} grace, ${formatCount(s.skipped.allowlist)} allowlisted, ${formatCount(s.skipped.notOrphan)} no longer orphans, ${formatCount(s.skipped.protected)} protected; ${formatCount(s.failed)} failed`,
      ].join("\n"),
    );
    if (end === "awaiting_approval") return await awaitingApproval(store, out, outcome.jobId);
    return end === "completed" ? EXIT.ok : end === "skipped" ? EXIT.failed : end === "failed" ? EXIT.failed : EXIT.ok;
  } finally {
    await store.close();
  }
}

/** Exit 3: the job waits for a second person (ops or admin) to approve it on its page, whose URL is printed. */
async function awaitingApproval(store: Store, out: Output, jobId: string): Promise<number> {
  const s = (await cleanupStatus(store, jobId))!;
  const url = `${publicUrl()}/jobs/${jobId}`;
  out.progress(`custodian: job ${jobId} waits for a second person's approval: ${url}`);
  out.result({ ...summary(s), url, approval: { scope: s.scope, allowance: s.allowance, removed: s.touched, waitReason: s.waitReason } }, () =>
    [
      `job ${s.id} waits for a second person's approval (ops or admin): ${url}`,
      s.waitReason
        ? `  ${s.waitReason}`
        : `  ${formatCount(s.scope)} rows (the rows below included), over the approval threshold of ${formatCount(s.allowance)}`,
    ].join("\n"),
  );
  return EXIT.awaitingApproval;
}

function summary(s: CleanupStatus) {
  return {
    jobId: s.id,
    relation: s.relation,
    action: s.action,
    status: s.status,
    deleted: s.deleted,
    nulled: s.nulled,
    archived: s.archived,
    dependentsRemoved: s.dependentsRemoved,
    skipped: s.skipped,
    failed: s.failed,
    examined: s.examined,
    ...(s.error ? { error: s.error } : {}),
  };
}
