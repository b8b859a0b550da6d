"use client";
import { useQuery } from "@tanstack/react-query";
import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { verifyAllRequests } from "@/lib/erasure/actions";
import type { RunStatus } from "@/lib/erasure/runs";

const FINISHED = new Set(["completed", "failed", "abandoned"]);

/** Queues a verification of every request, follows its progress, and refreshes the list when it ends. */
export function VerifyAllButton({ running }: { running: string | null }) {
  const router = useRouter();
  const [runId, setRunId] = useState<string | null>(running);
  const { execute, isPending, result } = useAction(verifyAllRequests, { onSuccess: ({ data }) => data && setRunId(data.runId) });
  const status = useQuery({
    queryKey: ["erasure-run", runId],
    enabled: !!runId,
    queryFn: async (): Promise<RunStatus> => {
      const res = await fetch(`/api/erasure/runs/status?id=${runId}`);
      if (!res.ok) throw new Error(await res.text());
      return res.json();
    },
    refetchInterval: (q) => (q.state.data && FINISHED.has(q.state.data.status) ? false : 700),
  });
  const s = status.data;
  const finished = !!s && FINISHED.has(s.status);
  useEffect(() => {
    if (finished) router.refresh();
  }, [finished, router]);
  const active = isPending || (!!runId && !finished);
  const pct = s?.total ? Math.round((100 * s.done) / s.total) : 0;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button className="btn-primary" onClick={() => execute({})} disabled={active} data-testid="verify-all">
        {active ? "Verifying…" : "Verify all"}
      </button>
      {active && (
        <div className="flex items-center gap-2 text-sm text-zinc-500" role="status" data-testid="verify-all-progress">
          <div className="h-2 w-40 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800">
            <div className="h-full bg-indigo-500 transition-all" style={{ width: `${s?.status === "running" ? Math.max(pct, 3) : 0}%` }} />
          </div>
          {s?.status === "running" ? `${s.done} of ${s.total ?? "?"} requests` : "waiting for a worker…"}
        </div>
      )}
      {finished && s && (
        <span className="text-sm text-zinc-500" data-testid="verify-all-result">
          {s.status === "completed"
            ? `Verified ${s.done}: ${s.complete} complete, ${s.incomplete} incomplete${s.failed ? `, ${s.failed} could not be verified` : ""}.`
            : s.status === "abandoned"
              ? "The run stopped (its worker went away): press Verify all to start again."
              : `The run failed${s.error ? `: ${s.error}` : ""}.`}
        </span>
      )}
      {result.serverError && <span className="text-sm text-red-600">{String(result.serverError)}</span>}
      {status.error && <span className="text-sm text-red-600">Lost track of the run: {status.error.message}</span>}
    </div>
  );
}
