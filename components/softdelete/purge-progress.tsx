"use client";
import { useQuery } from "@tanstack/react-query";
import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { cancelPurgeAction, pausePurgeAction, resumePurgeAction } from "@/lib/softdelete/actions";
import { FormError } from "@/components/form-errors";
import { ProgressCount } from "@/components/jobs/progress-count";
import { useJobActionCallbacks } from "@/components/jobs/use-job-actions";
import { formatEta, formatNumber } from "@/lib/format";
import type { PurgeStatus } from "@/lib/softdelete/purge-control";

export const LIVE_PURGE = new Set(["queued", "running"]);

export async function fetchPurge(id: string): Promise<PurgeStatus> {
  const res = await fetch(`/api/purges?id=${id}`);
  if (!res.ok) throw new Error(await res.text());
  return res.json();
}

/** A purge job as it runs: subjects done of those past grace, rate, ETA, and pause, resume, cancel for ops. */
export function PurgeProgress({ initial, mayControl }: { initial: PurgeStatus; mayControl: boolean }) {
  const router = useRouter();
  const q = useQuery({
    queryKey: ["purge", initial.id],
    initialData: initial,
    queryFn: () => fetchPurge(initial.id),
    // Paused: the subject under way when it was paused still finishes; shown as it does.
    refetchInterval: (query) =>
      !query.state.data ? false : LIVE_PURGE.has(query.state.data.status) ? 400 : query.state.data.status === "paused" ? 5000 : false,
  });
  const s = q.data;
  const ended = !LIVE_PURGE.has(s.status) && s.status !== "paused";
  const endedBefore = useRef(ended);
  useEffect(() => {
    if (ended && !endedBefore.current) router.refresh(); // it ended while shown: the requests table below is the server's
    endedBefore.current = ended;
  }, [ended, router]);
  const { error, callbacks } = useJobActionCallbacks(q.refetch);
  const pause = useAction(
    pausePurgeAction,
    callbacks((st) => LIVE_PURGE.has(st)),
  );
  const resume = useAction(
    resumePurgeAction,
    callbacks((st) => st === "paused"),
  );
  const cancel = useAction(
    cancelPurgeAction,
    callbacks((st) => LIVE_PURGE.has(st) || st === "paused"),
  );
  const pct = Math.round(s.progress * 100);
  return (
    <div className="space-y-4">
      <div className="card space-y-3 p-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <span className="rounded bg-zinc-100 px-2 py-0.5 text-sm font-medium dark:bg-zinc-800" data-testid="purge-status">
            {s.stalled ? "running (worker silent: it will be resumed)" : s.status}
          </span>
          <span className="text-sm text-zinc-500">
            {!ended && s.subjectsPerMinute ? `${formatNumber(Math.round(s.subjectsPerMinute))} subjects/min` : ""}
            {!ended && s.etaSeconds != null ? ` · ETA ${formatEta(s.etaSeconds)}` : ""}
          </span>
        </div>
        <div
          className="h-3 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
          role="progressbar"
          aria-valuenow={pct}
          aria-valuemin={0}
          aria-valuemax={100}
          data-testid="purge-progress"
        >
          <div
            className={`h-full transition-all ${s.status === "completed" ? "bg-emerald-500" : s.status === "partial" ? "bg-amber-500" : "bg-indigo-500"}`}
            style={{ width: `${pct}%` }}
          />
        </div>
        <dl className="grid gap-3 text-sm sm:grid-cols-4">
          <ProgressCount label="Subjects taken on" value={s.subjects} of={s.total} testId="purge-subjects" />
          <ProgressCount label="Completed" value={s.completed} testId="purge-completed" />
          <ProgressCount label="Partial (retried later)" value={s.partial} />
          <ProgressCount label="Failed (retried later)" value={s.failed} />
        </dl>
        {s.error && <p className="text-sm text-red-600 dark:text-red-400">{s.error}</p>}
        {s.status === "partial" && (
          <p className="text-sm text-amber-700 dark:text-amber-400">
            Some subjects are only partly purged: their requests below say which database is left and why. They are retried with backoff by the next purge.
          </p>
        )}
      </div>
      {mayControl && (
        <div className="flex flex-wrap gap-2">
          {LIVE_PURGE.has(s.status) && (
            <button className="btn-secondary" onClick={() => pause.execute({ jobId: s.id })} data-testid="purge-pause">
              Pause
            </button>
          )}
          {s.status === "paused" && (
            <button className="btn-secondary" onClick={() => resume.execute({ jobId: s.id })} data-testid="purge-resume">
              Resume
            </button>
          )}
          {(LIVE_PURGE.has(s.status) || s.status === "paused") && (
            <button
              className="btn-danger"
              onClick={() =>
                window.confirm("Cancel this purge? Subjects already purged stay purged; the one under way finishes; no further one starts.") &&
                cancel.execute({ jobId: s.id })
              }
              data-testid="purge-cancel"
            >
              Cancel
            </button>
          )}
        </div>
      )}
      <FormError message={error} />
    </div>
  );
}
