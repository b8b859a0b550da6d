"use client";
import { useAction } from "next-safe-action/hooks";
import { scanNow } from "@/app/actions";

export function ScanNowButton() {
  const { execute, result, isPending } = useAction(scanNow);
  return (
    <div className="flex items-center gap-3">
      <button className="btn-primary" onClick={() => execute({})} disabled={isPending} data-testid="scan-now">
        {isPending ? "Scanning every relation…" : "Scan now"}
      </button>
      {result.data && !isPending && (
        <span className="text-sm text-zinc-500">
          Scanned {result.data.relations} relations{result.data.failed ? `, ${result.data.failed} failed` : ""}.
        </span>
      )}
      {result.serverError && <span className="text-sm text-red-600">{String(result.serverError)}</span>}
    </div>
  );
}
