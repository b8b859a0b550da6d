"use client";
import { useAction } from "next-safe-action/hooks";
import { useState } from "react";
import { scanNow } from "@/lib/sweeps/actions";
import { formatProgress } from "@/lib/format";
import { RunProgress } from "@/components/ui/run-progress";
import { usePolledStatus } from "@/components/ui/use-polled-status";
import type { SweepStatus } from "@/lib/sweeps/status";

/** Queues a sweep, follows its progress, and refreshes the page with the new numbers when it ends. */
export function ScanNowButton({ running }: { running?: string | null }) {
  const [sweepId, setSweepId] = useState<string | null>(running ?? null);
  const { execute, isPending, result } = useAction(scanNow, { onSuccess: ({ data }) => data && setSweepId(data.sweepId) });
  const { status: s, finished, error } = usePolledStatus<SweepStatus>("sweep", "/api/sweeps/status", sweepId);
  const active = isPending || (!!sweepId && !finished);
  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="scan-now-area">
      <button className="btn-primary" onClick={() => execute({})} disabled={active} data-testid="scan-now">
        {active ? "Scanning…" : "Scan now"}
      </button>
      {/* a queued sweep is counted in parts (a big relation is several: one per range), as the CLI says */}
      {active && <RunProgress run={s} label={s?.activity ?? formatProgress(s?.done, s?.total, "parts counted")} testId="scan-progress" />}
      {finished && s && (
        <span className="text-sm text-zinc-500" data-testid="scan-result">
          {s.status === "completed"
            ? `Swept ${s.total} relations${s.failedRelations ? `, ${s.failedRelations} could not be scanned` : ""}.`
            : `The sweep ${s.status}${s.error ? `: ${s.error}` : ""}.`}
        </span>
      )}
      {result.serverError && <span className="text-sm text-red-600">{String(result.serverError)}</span>}
      {error && <span className="text-sm text-red-600">Lost track of the sweep: {error.message}</span>}
    </div>
  );
}
