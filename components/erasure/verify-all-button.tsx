"use client";
import { formatProgress } from "@/lib/format";
import { useAction } from "next-safe-action/hooks";
import { useState } from "react";
import { verifyAllRequests } from "@/lib/erasure/actions";
import { RunProgress } from "@/components/ui/run-progress";
import { usePolledStatus } from "@/components/ui/use-polled-status";
import type { RunStatus } from "@/lib/erasure/runs";

/** Queues a verification of every request, follows its progress, and refreshes the list when it ends. */
export function VerifyAllButton({ running }: { running: string | null }) {
  const [runId, setRunId] = useState<string | null>(running);
  const { execute, isPending, result } = useAction(verifyAllRequests, { onSuccess: ({ data }) => data && setRunId(data.runId) });
  const { status: s, finished, error } = usePolledStatus<RunStatus>("erasure-run", "/api/erasure/runs/status", runId);
  const active = isPending || (!!runId && !finished);
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button className="btn-primary" onClick={() => execute({})} disabled={active} data-testid="verify-all">
        {active ? "Verifying…" : "Verify all"}
      </button>
      {active && <RunProgress run={s} label={formatProgress(s?.done, s?.total, "requests")} testId="verify-all-progress" />}
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
      {error && <span className="text-sm text-red-600">Lost track of the run: {error.message}</span>}
    </div>
  );
}
