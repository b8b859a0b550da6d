import { runCleanupJob } from "../../cleanup/engine";
import { cleanupStatus, type CleanupStatus } from "../../cleanup/status";
import type { Config } from "../../config/types";
import type { Store } from "../../store/client";
import { EXIT, formatCount, type Output } from "../io";

/**
 * Runs a queued cleanup job in this process to its end, progress on stderr, and prints its
 * outcome: what `cleanup --execute` does after asking, and `job ID approve|resume` after
 * letting the job go on (the CLI has no job queue: the job would otherwise wait for none).
 */
export async function runJobHere(store: Store, config: Config, out: Output, jobId: string): Promise<number> {
  // A progress line every 2 s; a failed read skips one line (the job's own errors end it below).
  const tick = () =>
    void cleanupStatus(store, jobId).then(
      (s) => s && out.progress(`  ${Math.round(s.progress * 100)}%  ${formatCount(s.deleted + s.nulled)} changed, ${formatCount(s.examined)} examined`),
      () => undefined,
    );
  const ticker = setInterval(tick, 2000);
  let end: Awaited<ReturnType<typeof runCleanupJob>>;
  try {
    end = await runCleanupJob(store, config, jobId, { log: out.progress });
  } finally {
    clearInterval(ticker);
  }
  // Stopped at its allowance: one document, the one that says where to approve it.
  if (end === "awaiting_approval") return await awaitingApproval(store, out, jobId);
  const s = (await cleanupStatus(store, jobId))!;
  out.result(summary(s), () =>
    [
      `job ${s.id}: ${s.status}${s.error ? ` (${s.error})` : ""}`,
      `  ${formatCount(s.action === "set_null" ? s.nulled : s.deleted)} ${s.action === "set_null" ? "unlinked" : "deleted"}, ${formatCount(s.dependentsRemoved)} rows below removed first, ${formatCount(s.archived)} archived`,
      `  skipped: ${formatCount(s.skipped.grace)} grace, ${formatCount(s.skipped.allowlist)} allowlisted, ${formatCount(s.skipped.notOrphan)} no longer orphans, ${formatCount(s.skipped.protected)} protected; ${formatCount(s.failed)} failed`,
    ].join("\n"),
  );
  return end === "completed" ? EXIT.ok : end === "skipped" || end === "failed" ? EXIT.failed : EXIT.ok;
}

/**
 * Where a person opens a job: the console's URL when CUSTODIAN_URL names it, else the
 * path to open on whatever address the console is served (a guessed host would mislead).
 */
export function jobLink(jobId: string, env: Record<string, string | undefined> = process.env): string {
  const base = env.CUSTODIAN_URL?.trim().replace(/\/+$/, "");
  return `${base ?? ""}/jobs/${jobId}`;
}

/** Exit 3: the job waits for a second person (ops or admin) to approve it on its page, whose URL is printed. */
export async function awaitingApproval(store: Store, out: Output, jobId: string): Promise<number> {
  const s = (await cleanupStatus(store, jobId))!;
  const url = jobLink(jobId);
  out.progress(`custodian: job ${jobId} waits for a second person's approval: ${url}`);
  out.result({ ...summary(s), url, approval: { scope: s.scope, allowance: s.allowance, removed: s.touched, waitReason: s.waitReason } }, () =>
    [
      `job ${s.id} waits for a second person's approval (ops or admin): ${url}`,
      `  or: custodian job ${s.id} approve --as EMAIL`,
      s.waitReason
        ? `  ${s.waitReason}`
        : `  ${formatCount(s.scope)} rows (the rows below included), over the approval threshold of ${formatCount(s.allowance)}`,
    ].join("\n"),
  );
  return EXIT.awaitingApproval;
}

export function summary(s: CleanupStatus) {
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
