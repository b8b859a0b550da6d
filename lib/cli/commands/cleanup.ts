import { startCleanup } from "../../cleanup/start";
import type { Config } from "../../config/types";
import { openStore } from "../../store/client";
import { awaitingApproval, runJobHere } from "./cleanup-run";
import { audited, cliActor } from "../actor";
import { EXIT, formatCount, type Output } from "../io";

/**
 * `custodian cleanup --relation NAME [--execute] [--batch-size N]`: the dry run by default
 * (counts, sample, rows below); with --execute, the same job the console starts, run here
 * to its end with progress on stderr. The CLI's person is --as EMAIL (checked as the
 * console checks it), else the OS user as "cli:<user>".
 */
export async function cleanupCommand(
  config: Config,
  out: Output,
  opts: { relation: string; execute: boolean; batchSize?: number; as?: string },
): Promise<number> {
  const store = await openStore({ purpose: "custodian cleanup" });
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
    const act = { action: "cleanups.start", permission: "cleanups.run", object: `relation:${opts.relation}`, params: { relation: opts.relation } } as const;
    const actor = await cliActor(store, opts.as, act);
    const { outcome } = await audited(
      store,
      actor,
      { ...act, params: { ...act.params, ...(opts.batchSize ? { batchSize: opts.batchSize } : {}) } },
      () => startCleanup(store, config, opts.relation, { requestedBy: actor.userId, batchSize: opts.batchSize }),
      ({ outcome }) => (outcome.kind === "refused" ? outcome.reason : null),
    );
    if (outcome.kind === "refused") {
      out.progress(`custodian: ${outcome.reason} (job ${outcome.jobId})`);
      out.result({ jobId: outcome.jobId, status: outcome.status, refused: outcome.reason }, () => `refused: ${outcome.reason}; job ${outcome.jobId}`);
      return EXIT.failed;
    }
    if (outcome.kind === "created" && outcome.status === "awaiting_approval") return await awaitingApproval(store, out, outcome.jobId);
    out.progress(`job ${outcome.jobId}${outcome.kind === "resumed" ? " (resumed from its checkpoint)" : ""}`);
    return await runJobHere(store, config, out, outcome.jobId);
  } finally {
    await store.close();
  }
}
