"use client";
import { useQuery } from "@tanstack/react-query";
import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { cancelCleanup, pauseCleanup, resumeCleanup, restoreCleanupArchive } from "@/lib/cleanup/actions";
import { FormError } from "@/components/form-errors";
import { ProgressCount } from "@/components/jobs/progress-count";
import { useJobActionCallbacks } from "@/components/jobs/use-job-actions";
import { ThrottleStatus } from "@/components/jobs/throttle-status";
import type { CleanupStatus } from "@/lib/cleanup/status";
import { formatEta, formatNumber as fmt } from "@/lib/format";

const LIVE = new Set(["queued", "running", "awaiting_approval"]);
/** Polled this often while the job can change by itself: its page shows a state change within a second. */
const POLL_MS = 400;

/** A cleanup job as it runs: progress bar, counts, rate, ETA, and what the viewer may do to it. */
export function JobProgress({ initial, may }: { initial: CleanupStatus; may: { control: boolean } }) {
  const router = useRouter();
  const q = useQuery({
    queryKey: ["cleanup", initial.id],
    initialData: initial,
    queryFn: async (): Promise<CleanupStatus> => {
      const res = await fetch(`/api/jobs/status?id=${initial.id}`);
      if (!res.ok) throw new Error(await res.text());
      return res.json();
    },
    refetchInterval: (query) => (query.state.data && LIVE.has(query.state.data.status) ? POLL_MS : false),
  });
  const s = q.data;
  const finished = !LIVE.has(s.status) && s.status !== "paused";
  // A job that ends, or stops to wait for approval, re-renders the page (the approval card).
  const waiting = s.status === "awaiting_approval" && initial.status !== "awaiting_approval";
  useEffect(() => {
    if (finished || waiting) router.refresh();
  }, [finished, waiting, router]);
  const { error, callbacks } = useJobActionCallbacks(q.refetch);
  const pause = useAction(
    pauseCleanup,
    callbacks((st) => st === "queued" || st === "running"),
  );
  const resume = useAction(
    resumeCleanup,
    callbacks((st) => st === "paused"),
  );
  const cancel = useAction(
    cancelCleanup,
    callbacks((st) => LIVE.has(st) || st === "paused"),
  );
  const restore = useAction(
    restoreCleanupArchive,
    callbacks(() => true),
  );
  const running = s.status === "running";
  const pct = Math.round(s.progress * 100);
  const skipped = s.skipped.grace + s.skipped.allowlist + s.skipped.notOrphan + s.skipped.protected;

  return (
    <div className="space-y-4">
      <div className="card space-y-3 p-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <span className="rounded bg-zinc-100 px-2 py-0.5 text-sm font-medium dark:bg-zinc-800" data-testid="job-status">
            {s.stalled ? "running (worker silent: it will be resumed)" : s.status.replace("_", " ")}
          </span>
          <span className="text-sm text-zinc-500">
            {running && s.rowsPerSecond ? `${fmt(Math.round(s.rowsPerSecond))} rows/s examined` : ""}
            {running && s.etaSeconds != null ? ` · ETA ${formatEta(s.etaSeconds)}` : ""}
          </span>
        </div>
        <ThrottleStatus reason={s.throttleReason} seconds={s.throttledSeconds} />
        <div
          className="h-3 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
          role="progressbar"
          aria-valuenow={pct}
          aria-valuemin={0}
          aria-valuemax={100}
          data-testid="job-progress"
        >
          <div className={`h-full transition-all ${s.status === "completed" ? "bg-emerald-500" : "bg-indigo-500"}`} style={{ width: `${pct}%` }} />
        </div>
        <dl className="grid gap-3 text-sm sm:grid-cols-3 lg:grid-cols-6">
          <ProgressCount label="Examined" value={s.examined} of={s.total} testId="job-examined" />
          <ProgressCount label={s.action === "set_null" ? "Unlinked" : "Deleted"} value={s.action === "set_null" ? s.nulled : s.deleted} testId="job-deleted" />
          <ProgressCount label="Rows below, removed first" value={s.dependentsRemoved} />
          <ProgressCount label="Skipped" value={skipped} testId="job-skipped" />
          <ProgressCount label="Failed" value={s.failed} />
          {s.action === "archive_then_delete" ? (
            <ProgressCount label={s.restored ? `Archived (${fmt(s.restored)} put back)` : "Archived"} value={s.restorable} testId="job-archived" />
          ) : (
            <ProgressCount label="Archived" value={s.archived} />
          )}
        </dl>
        <p className="text-xs text-zinc-500" data-testid="job-skipped-detail">
          Skipped: {fmt(s.skipped.grace)} inside the grace period, {fmt(s.skipped.allowlist)} allowlisted, {fmt(s.skipped.notOrphan)} no longer orphans,{" "}
          {fmt(s.skipped.protected)} protected by rows that point at them. {s.batches} batches.
        </p>
        {s.error && <p className="text-sm text-red-600 dark:text-red-400">{s.error}</p>}
      </div>
      <div className="flex flex-wrap gap-2">
        {/* approving and rejecting: the approval card above (approval-card.tsx) */}
        {may.control && (s.status === "running" || s.status === "queued") && (
          <button className="btn-secondary" onClick={() => pause.execute({ jobId: s.id })} data-testid="job-pause">
            Pause
          </button>
        )}
        {may.control && s.status === "paused" && (
          <button className="btn-secondary" onClick={() => resume.execute({ jobId: s.id })} data-testid="job-resume">
            Resume
          </button>
        )}
        {may.control && ["awaiting_approval", "queued", "running", "paused"].includes(s.status) && (
          <button
            className="btn-danger"
            onClick={() => window.confirm("Cancel this cleanup? What it already did stays done; nothing more is removed.") && cancel.execute({ jobId: s.id })}
          >
            Cancel
          </button>
        )}
        {may.control && s.restorable > 0 && !["queued", "running"].includes(s.status) && (
          <button
            className="btn-secondary"
            onClick={() => window.confirm(`Put ${fmt(s.restorable)} archived rows back?`) && restore.execute({ jobId: s.id })}
            data-testid="job-restore"
          >
            Restore {fmt(s.restorable)} archived rows
          </button>
        )}
        {restore.isPending && <span className="text-sm text-zinc-500">Putting the archived rows back…</span>}
        {restore.result.data && (
          <span className="text-sm text-emerald-700 dark:text-emerald-400" data-testid="job-restored">
            Restored {fmt(restore.result.data.restored)} rows
            {restore.result.data.tables.length ? ` (${restore.result.data.tables.map((t) => `${t.schema}.${t.table}: ${fmt(t.restored)}`).join(", ")})` : ""}
            {restore.result.data.alreadyThere ? `; ${fmt(restore.result.data.alreadyThere)} were already back` : ""}.
          </span>
        )}
      </div>
      <FormError message={error} />
    </div>
  );
}
