"use client";
import { useQuery } from "@tanstack/react-query";
import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { scanNow } from "@/lib/sweeps/actions";
import type { SweepStatus } from "@/lib/sweeps/status";

const FINISHED = new Set(["completed", "failed", "abandoned"]);

/** Queues a sweep, follows its progress, and refreshes the page with the new numbers when it ends. */
export function ScanNowButton({ running }: { running?: string | null }) {
  const router = useRouter();
  const [sweepId, setSweepId] = useState<string | null>(running ?? null);
  const { execute, isPending, result } = useAction(scanNow, { onSuccess: ({ data }) => data && setSweepId(data.sweepId) });
  const status = useQuery({
    queryKey: ["sweep", sweepId],
    enabled: !!sweepId,
    queryFn: async (): Promise<SweepStatus> => {
      const res = await fetch(`/api/sweeps/status?id=${sweepId}`);
      if (!res.ok) throw new Error(await res.text());
      return res.json();
    },
    refetchInterval: (q) => (q.state.data && FINISHED.has(q.state.data.status) ? false : 700),
  });
  const s = status.data;
  const finished = s && FINISHED.has(s.status);
  useEffect(() => {
    if (finished) router.refresh();
  }, [finished, router]);

  const active = isPending || (sweepId && !finished);
  const pct = s?.total ? Math.round((100 * s.done) / s.total) : 0;
  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="scan-now-area">
      <button className="btn-primary" onClick={() => execute({})} disabled={!!active} data-testid="scan-now">
        {active ? "Scanning…" : "Scan now"}
      </button>
      {active && (
        <div className="flex items-center gap-2 text-sm text-zinc-500" data-testid="scan-progress" role="status">
          <div className="h-2 w-40 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800">
            <div className="h-full bg-indigo-500 transition-all" style={{ width: `${s?.status === "running" ? Math.max(pct, 3) : 0}%` }} />
          </div>
          {s?.status === "running" ? (s.activity ?? `${s.done} of ${s.total ?? "?"} relations`) : "waiting for a worker…"}
        </div>
      )}
      {finished && s && (
        <span className="text-sm text-zinc-500" data-testid="scan-result">
          {s.status === "completed"
            ? `Swept ${s.total} relations${s.failedRelations ? `, ${s.failedRelations} could not be scanned` : ""}.`
            : `The sweep ${s.status}${s.error ? `: ${s.error}` : ""}.`}
        </span>
      )}
      {result.serverError && <span className="text-sm text-red-600">{String(result.serverError)}</span>}
      {status.error && <span className="text-sm text-red-600">Lost track of the sweep: {status.error.message}</span>}
    </div>
  );
}
