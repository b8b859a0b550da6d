"use client";
import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { previewCleanupAction, startCleanupAction } from "@/lib/cleanup/actions";
import { FormError } from "@/components/form-errors";
import { MissingPrivileges } from "@/components/ui/missing-privileges";
import { formatNumber as fmt } from "@/lib/format";

const ACTION_LABEL: Record<string, string> = {
  delete: "delete the orphan rows",
  archive_then_delete: "archive the orphan rows, then delete them (restorable from the job page)",
  set_null: "set their key to NULL (the rows stay)",
};

/** Preview → confirm (type the relation's name) → a cleanup job. Nothing changes before the last step. */
export function CleanupPanel({ relation }: { relation: string }) {
  const router = useRouter();
  const preview = useAction(previewCleanupAction);
  const start = useAction(startCleanupAction, { onSuccess: ({ data }) => data && router.push(`/jobs/${data.jobId}`) });
  const [typed, setTyped] = useState("");
  const p = preview.result.data;
  return (
    <section className="card space-y-4 p-4" data-testid="cleanup-panel">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 className="text-lg font-semibold">Clean up</h2>
          <p className="text-sm text-zinc-500">A dry run first: it counts what a cleanup would do now and changes nothing.</p>
        </div>
        <button className="btn-secondary" onClick={() => preview.execute({ relation })} disabled={preview.isPending} data-testid="cleanup-preview">
          {preview.isPending ? "Counting…" : p ? "Preview again" : "Preview cleanup"}
        </button>
      </div>
      <FormError message={preview.result.serverError} />
      {p && (
        <div className="space-y-4" data-testid="cleanup-preview-result">
          <dl className="grid gap-3 text-sm sm:grid-cols-4">
            <Figure label="Eligible now" value={fmt(p.eligible)} testId="preview-eligible" strong />
            <Figure label={`Inside the ${p.graceDays}-day grace period`} value={fmt(p.inGrace)} testId="preview-grace" />
            <Figure label="Allowlisted" value={fmt(p.allowlisted)} testId="preview-allowlisted" />
            <Figure label="Orphan rows in all" value={fmt(p.orphans)} />
          </dl>
          <p className="text-sm">
            The job will <strong>{ACTION_LABEL[p.action]}</strong>, in batches of{" "}
            {p.maxBatchSize > p.batchSize ? `${fmt(p.batchSize)}, growing up to ${fmt(p.maxBatchSize)} while they stay quick,` : `up to ${fmt(p.batchSize)}`} by
            primary key ({p.pk.join(", ")}), re-checking in each batch that every row is still an orphan.
          </p>
          {p.dependents.length > 0 && (
            <div className="text-sm">
              <p className="font-medium">Rows that point at them, handled first (counted for the first {fmt(p.dependentSampleOf)} eligible rows):</p>
              <ul className="mt-1 list-inside list-disc" data-testid="preview-dependents">
                {p.dependents.map((d) => (
                  <li key={d.table} className="font-mono text-xs">
                    {d.table}: {fmt(d.rows)} row{d.rows === 1 ? "" : "s"} — {d.policy}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {p.cycles.length > 0 && (
            <p className="text-sm text-amber-700 dark:text-amber-400">Reference cycles below this table are not followed: {p.cycles.join("; ")}</p>
          )}
          {p.sample.length > 0 && (
            <details className="text-sm">
              <summary className="cursor-pointer">Sample of the rows it would remove ({p.sample.length})</summary>
              <pre className="mt-1 max-h-48 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800">
                {p.sample.map((r) => JSON.stringify(r, (_, v) => (typeof v === "bigint" ? v.toString() : v))).join("\n")}
              </pre>
            </details>
          )}
          <MissingPrivileges missing={p.missingPrivileges} work="cleanup" />
          {p.eligible === 0 ? (
            <p className="text-sm text-zinc-500">Nothing is eligible now: there is nothing to clean up.</p>
          ) : (
            <form className="space-y-2 border-t border-zinc-200 pt-4 dark:border-zinc-800" action={() => start.execute({ relation, confirm: typed })}>
              {p.needsApproval && (
                <p className="text-sm text-amber-700 dark:text-amber-400">
                  More than {fmt(Math.max(0, p.approvalThreshold - p.removedWithoutApproval))} rows ({fmt(p.scope)} with the rows below them): the job will wait
                  for a second person (ops or admin) to approve it, and for approval again if it would ever remove more than approved.
                  {p.removedWithoutApproval > 0 &&
                    ` Earlier cleanups of this relation removed ${fmt(p.removedWithoutApproval)} rows without approval in the last 24 hours: they count against the threshold of ${fmt(p.approvalThreshold)}.`}
                </p>
              )}
              <label className="block text-sm">
                Type <code className="font-mono font-semibold">{relation}</code> to confirm
                <input
                  className="input mt-1 font-mono"
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  data-testid="cleanup-confirm"
                  autoComplete="off"
                />
              </label>
              <FormError message={start.result.serverError} />
              <button
                className="btn-primary bg-red-600 hover:bg-red-500"
                disabled={typed !== relation || start.isPending || p.missingPrivileges.length > 0}
                data-testid="cleanup-start"
              >
                {start.isPending ? "Starting…" : `Clean up ${fmt(p.eligible)} rows`}
              </button>
            </form>
          )}
        </div>
      )}
    </section>
  );
}

function Figure({ label, value, testId, strong }: { label: string; value: string; testId?: string; strong?: boolean }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className={`tabular text-xl ${strong ? "font-semibold" : ""}`} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
