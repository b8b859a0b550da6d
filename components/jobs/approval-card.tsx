"use client";
import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { approveCleanup, rejectCleanup } from "@/lib/cleanup/actions";
import { FormError } from "@/components/form-errors";
import type { RequestSnapshot } from "@/lib/cleanup/approval";
import { formatNumber as fmt } from "@/lib/format";
import type { FreshCount } from "@/lib/jobs/queries";

/**
 * What the approver decides on: the figures the requester saw when asking (kept on the job,
 * with the keys of a sample of rows), the same counted now, and approve (confirmed, for a
 * stated number of rows) or reject (with a reason). Row values are never kept on the job:
 * `liveSample` is read from the target now, and only for people who may preview orphans.
 */
export function ApprovalCard({
  job,
  snapshot,
  fresh,
  liveSample,
  requester,
  may,
}: {
  job: { id: string; relation: string; touched: number; scope: number; allowance: number; approvedScope: number | null; waitReason: string | null };
  snapshot: RequestSnapshot | null;
  fresh: FreshCount | { error: string } | null;
  /** Sample rows read from the target now; null for people without orphans.preview. */
  liveSample: { rows: Record<string, unknown>[] } | { error: string } | null;
  requester: string;
  may: { approve: boolean };
}) {
  const router = useRouter();
  const [step, setStep] = useState<"idle" | "approve" | "reject">("idle");
  const [reason, setReason] = useState("");
  const done = { onSuccess: () => router.refresh() };
  const approve = useAction(approveCleanup, done);
  const reject = useAction(rejectCleanup, done);
  const freshCount = fresh && !("error" in fresh) ? fresh : null;
  // What the job will remove from here (counted now, else as requested), plus what it already removed.
  const rows = job.touched + (freshCount ? freshCount.scope : (snapshot?.scope ?? job.scope));
  const rejectErrors = reject.result.validationErrors as { reason?: { _errors?: string[] } } | undefined;

  return (
    <section className="card space-y-4 border-amber-300 p-4 dark:border-amber-700" data-testid="approval-card">
      <div>
        <h2 className="text-lg font-semibold">Waiting for approval</h2>
        <p className="text-sm text-zinc-500">
          Requested by {requester}. A second person with ops or admin approves or rejects it.
          {job.waitReason ? ` The job ${job.waitReason}.` : ""}
        </p>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="approval-figures">
          <thead className="text-left text-xs text-zinc-500">
            <tr>
              <th className="py-1 pr-4 font-normal" />
              <th className="py-1 pr-4 text-right font-normal">
                When requested{snapshot ? ` (${new Date(snapshot.at).toISOString().slice(0, 16).replace("T", " ")} UTC)` : ""}
              </th>
              <th className="py-1 text-right font-normal">Now</th>
            </tr>
          </thead>
          <tbody className="tabular">
            <Figure label="Eligible (would be removed)" then={snapshot?.eligible} now={freshCount?.eligible} id="eligible" />
            <Figure label={`Inside the ${snapshot?.graceDays ?? "?"}-day grace period`} then={snapshot?.inGrace} now={freshCount?.inGrace} id="grace" />
            <Figure label="Allowlisted" then={snapshot?.allowlisted} now={freshCount?.allowlisted} id="allowlisted" />
            {(snapshot?.dependents ?? freshCount?.dependents ?? []).map((d) => (
              <Figure
                key={d.table}
                label={`Below them: ${d.table} (${d.policy})`}
                then={snapshot?.dependents.find((x) => x.table === d.table)?.rows}
                now={freshCount?.dependents.find((x) => x.table === d.table)?.rows ?? (freshCount ? 0 : undefined)}
                id={`below-${d.table}`}
              />
            ))}
            <Figure
              label="Rows the job removes in all"
              then={snapshot?.scope ?? job.scope}
              now={freshCount ? job.touched + freshCount.scope : undefined}
              id="scope"
              strong
            />
          </tbody>
        </table>
        {fresh && "error" in fresh && <p className="mt-1 text-xs text-red-600 dark:text-red-400">Could not count again now: {fresh.error}</p>}
        {snapshot && snapshot.dependentSampleOf < snapshot.eligible && (
          <p className="mt-1 text-xs text-zinc-500">
            Rows below were counted for the first {fmt(snapshot.dependentSampleOf)} eligible rows and scaled to all of them.
          </p>
        )}
        {job.touched > 0 && (
          <p className="mt-1 text-xs text-zinc-500" data-testid="approval-done">
            Already removed: {fmt(job.touched)} rows{job.approvedScope != null ? ` of the ${fmt(job.approvedScope)} approved` : ""}.
          </p>
        )}
      </div>
      {snapshot && snapshot.sampleKeys.rows.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer">Keys of the rows sampled when requested ({snapshot.sampleKeys.rows.length})</summary>
          <pre className="mt-1 max-h-48 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800" data-testid="approval-sample-keys">
            {[snapshot.sampleKeys.columns.join(", "), ...snapshot.sampleKeys.rows.map((r) => r.map((v) => JSON.stringify(v)).join(", "))].join("\n")}
          </pre>
        </details>
      )}
      {snapshot?.sampleRemoved ? (
        <p className="text-xs text-zinc-500">
          The {snapshot.sampleRemoved} sample rows kept with this older request were removed from the store (copies of the data it deletes).
        </p>
      ) : null}
      {liveSample && "error" in liveSample && <p className="text-xs text-red-600 dark:text-red-400">Could not read sample rows now: {liveSample.error}</p>}
      {liveSample && "rows" in liveSample && liveSample.rows.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer">Sample of the rows it removes, read from the target now ({liveSample.rows.length})</summary>
          <pre className="mt-1 max-h-48 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800" data-testid="approval-sample">
            {liveSample.rows.map((r) => JSON.stringify(r)).join("\n")}
          </pre>
        </details>
      )}
      {!may.approve ? null : step === "idle" ? (
        <div className="flex flex-wrap gap-2">
          <button className="btn-primary" onClick={() => setStep("approve")} data-testid="job-approve">
            Approve…
          </button>
          <button className="btn-secondary" onClick={() => setStep("reject")} data-testid="job-reject">
            Reject…
          </button>
        </div>
      ) : step === "approve" ? (
        <div className="space-y-2 rounded-md bg-amber-50 p-3 text-sm dark:bg-amber-950/40" data-testid="approve-confirm">
          <p>
            Let this cleanup of <strong className="font-mono">{job.relation}</strong> remove up to <strong>{fmt(rows)}</strong> rows in all, the rows below
            included
            {job.touched > 0 ? ` (${fmt(job.touched)} already removed)` : ""}? It stops and asks again if it would remove more.
          </p>
          <div className="flex gap-2">
            <button
              className="btn-primary"
              disabled={approve.isPending}
              onClick={() => approve.execute({ jobId: job.id, rows })}
              data-testid="approve-confirm-button"
            >
              {approve.isPending ? "Approving…" : `Approve ${fmt(rows)} rows`}
            </button>
            <button className="btn-secondary" onClick={() => setStep("idle")}>
              Back
            </button>
          </div>
        </div>
      ) : (
        <form className="space-y-2" action={() => reject.execute({ jobId: job.id, reason })} data-testid="reject-form">
          <label className="block text-sm">
            Why is it rejected? (the requester sees this)
            <textarea className="input mt-1" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="reject-reason" />
          </label>
          <FormError message={rejectErrors?.reason?._errors?.join("; ")} />
          <div className="flex gap-2">
            <button className="btn-danger" disabled={reject.isPending || reason.trim().length < 3} data-testid="reject-confirm">
              {reject.isPending ? "Rejecting…" : "Reject the cleanup"}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setStep("idle")}>
              Back
            </button>
          </div>
        </form>
      )}
      <FormError message={approve.result.serverError ?? reject.result.serverError} />
    </section>
  );
}

function Figure({ label, then, now, id, strong }: { label: string; then?: number; now?: number; id: string; strong?: boolean }) {
  const changed = then != null && now != null && then !== now;
  return (
    <tr className={strong ? "border-t border-zinc-200 font-semibold dark:border-zinc-800" : ""}>
      <td className="py-1 pr-4">{label}</td>
      <td className="py-1 pr-4 text-right" data-testid={`approval-then-${id}`}>
        {then == null ? "—" : fmt(then)}
      </td>
      <td className={`py-1 text-right ${changed ? "text-amber-700 dark:text-amber-400" : ""}`} data-testid={`approval-now-${id}`}>
        {now == null ? "—" : fmt(now)}
      </td>
    </tr>
  );
}
