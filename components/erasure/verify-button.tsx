"use client";
import { useAction } from "next-safe-action/hooks";
import { verifyErasureRequest } from "@/lib/erasure/actions";

/** Verifies one subject now; the page refreshes with the new evidence. */
export function VerifyButton({ requestId }: { requestId: string }) {
  const { execute, isPending, result } = useAction(verifyErasureRequest);
  return (
    <div className="flex items-center gap-3">
      <button className="btn-primary" disabled={isPending} onClick={() => execute({ requestId })} data-testid="verify-now">
        {isPending ? "Verifying…" : "Verify now"}
      </button>
      {result.data && (
        <span className="text-sm text-zinc-500" data-testid="verify-result">
          Evidence #{result.data.evidenceId}: {result.data.summary}
        </span>
      )}
      {result.serverError && <span className="text-sm text-red-600">{String(result.serverError)}</span>}
    </div>
  );
}
