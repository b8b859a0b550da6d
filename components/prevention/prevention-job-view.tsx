"use client";
import { useQuery } from "@tanstack/react-query";
import { useAction } from "next-safe-action/hooks";
import { useState } from "react";
import { FormError } from "@/components/form-errors";
import { useJobActionCallbacks } from "@/components/jobs/use-job-actions";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { TextLink } from "@/components/ui/text-link";
import { formatNumber } from "@/lib/format";
import { approvePreventionAction, cancelPreventionAction, rejectPreventionAction } from "@/lib/prevention/actions";
import type { PreventionJobView as View } from "@/lib/prevention/jobs";

const LIVE = new Set(["queued", "running"]);

async function fetchJob(id: string): Promise<View> {
  const res = await fetch(`/api/prevention/jobs?id=${id}`);
  if (!res.ok) throw new Error(await res.text());
  return res.json();
}

const STEP_TONE: Record<string, "good" | "bad" | "neutral"> = { done: "good", failed: "bad", not_run: "neutral" };

/**
 * A constraint job as it goes: waiting for approval (the approver sees what the requester
 * saw: each constraint, its ON DELETE, the locks and the statements), then its steps as they
 * run (polled), then each constraint as the catalog shows it afterwards.
 */
export function PreventionJobView({
  initial,
  people,
  may,
}: {
  initial: View;
  people: { requestedBy: string; approvedBy: string | null; rejectedBy: string | null };
  may: { approve: boolean; cancel: boolean; ownRequest: boolean; openRelations: boolean };
}) {
  const q = useQuery({
    queryKey: ["prevention-job", initial.id],
    initialData: initial,
    queryFn: () => fetchJob(initial.id),
    refetchInterval: (query) =>
      !query.state.data ? false : LIVE.has(query.state.data.status) ? 400 : query.state.data.status === "awaiting_approval" ? 5000 : false,
  });
  const j = q.data;
  const { error, callbacks } = useJobActionCallbacks(q.refetch);
  const approve = useAction(
    approvePreventionAction,
    callbacks((s) => s === "awaiting_approval"),
  );
  const reject = useAction(
    rejectPreventionAction,
    callbacks((s) => s === "awaiting_approval"),
  );
  const cancel = useAction(
    cancelPreventionAction,
    callbacks((s) => s === "awaiting_approval" || s === "queued"),
  );
  const [step, setStep] = useState<"idle" | "approve" | "reject">("idle");
  const [reason, setReason] = useState("");
  const total = j.stepsTotal ?? 0;
  const pct = total ? Math.round((100 * j.stepsDone) / total) : 0;
  const statements = j.requested?.proposals.reduce((n, p) => n + p.statements.reduce((m, s) => m + s.sql.length, 0), 0) ?? 0;

  return (
    <div className="space-y-6">
      <section className="card space-y-3 p-4">
        <div className="flex flex-wrap items-center gap-3">
          <StatusBadge status={j.status} testId="prevention-job-status">
            {j.stalled ? "running (worker silent)" : j.status.replace(/_/g, " ")}
          </StatusBadge>
          {j.reason && (
            <span className="text-sm" data-testid="prevention-job-reason">
              {j.reason}
            </span>
          )}
        </div>
        {(j.status === "running" || (j.stepsTotal && j.status !== "awaiting_approval")) && (
          <div className="flex items-center gap-2 text-sm text-zinc-500" role="status" data-testid="prevention-job-progress">
            <div className="h-2 w-48 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800">
              <div className="h-full bg-indigo-500 transition-all" style={{ width: `${j.status === "running" ? Math.max(pct, 3) : pct}%` }} />
            </div>
            {j.stepsDone} of {total} step{total === 1 ? "" : "s"}
            {j.currentStep && j.status === "running" ? `: ${j.currentStep}` : ""}
          </div>
        )}
        <p className="text-xs text-zinc-500">
          Requested by {people.requestedBy}
          {people.approvedBy ? `; approved by ${people.approvedBy}` : ""}
          {people.rejectedBy ? `; rejected by ${people.rejectedBy}: ${j.rejectReason}` : ""}
          {j.worker ? `; run by ${j.worker}` : ""}.
        </p>
        {j.status === "awaiting_approval" && (
          <div className="space-y-2 rounded-md border border-amber-300 p-3 dark:border-amber-700" data-testid="prevention-approval">
            <p className="text-sm">
              Waiting for a second person with ops or admin. Approving runs {formatNumber(statements)} statement{statements === 1 ? "" : "s"} on the live
              databases; the orphans are counted again first, and new orphans refuse the whole job with nothing changed.
            </p>
            {may.ownRequest && <p className="text-sm text-zinc-500">You requested it: someone else approves it.</p>}
            {may.approve &&
              (step === "idle" ? (
                <div className="flex gap-2">
                  <button className="btn-primary" onClick={() => setStep("approve")} data-testid="prevention-approve">
                    Approve…
                  </button>
                  <button className="btn-secondary" onClick={() => setStep("reject")} data-testid="prevention-reject">
                    Reject…
                  </button>
                </div>
              ) : step === "approve" ? (
                <div className="flex flex-wrap items-center gap-2">
                  <span className="text-sm">Run these statements now?</span>
                  <button
                    className="btn-primary"
                    disabled={approve.isPending}
                    onClick={() => approve.execute({ jobId: j.id })}
                    data-testid="prevention-approve-confirm"
                  >
                    {approve.isPending ? "Approving…" : "Yes, approve and run"}
                  </button>
                  <button className="btn-secondary" onClick={() => setStep("idle")}>
                    Back
                  </button>
                </div>
              ) : (
                <form className="flex flex-wrap items-end gap-2" action={() => reject.execute({ jobId: j.id, reason })}>
                  <label className="text-sm">
                    Why not?
                    <input className="input mt-1" value={reason} onChange={(e) => setReason(e.target.value)} data-testid="prevention-reject-reason" />
                  </label>
                  <button className="btn-primary bg-red-600 hover:bg-red-500" disabled={reject.isPending || reason.trim().length < 3}>
                    Reject
                  </button>
                  <button type="button" className="btn-secondary" onClick={() => setStep("idle")}>
                    Back
                  </button>
                </form>
              ))}
          </div>
        )}
        {may.cancel && (j.status === "awaiting_approval" || j.status === "queued") && (
          <button className="btn-secondary" disabled={cancel.isPending} onClick={() => cancel.execute({ jobId: j.id })} data-testid="prevention-cancel">
            Cancel the request
          </button>
        )}
        <FormError message={error} />
      </section>

      {j.steps.length > 0 && (
        <section className="space-y-2">
          <h2 className="text-lg font-semibold">Steps</h2>
          <Table columns={["Step", "Relations", "Outcome"]} testId="prevention-steps">
            {j.steps.map((s, i) => (
              <tr key={i}>
                <Td>{s.title}</Td>
                <Td className="font-mono text-xs">{s.relations.join(", ")}</Td>
                <Td>
                  <StatusBadge status={s.status} tone={STEP_TONE[s.status]}>
                    {s.status.replace("_", " ")}
                  </StatusBadge>
                  {s.error && <span className="ml-2 text-xs text-red-600 dark:text-red-400">{s.error}</span>}
                </Td>
              </tr>
            ))}
          </Table>
        </section>
      )}

      {j.verified.length > 0 && (
        <section className="space-y-2">
          <h2 className="text-lg font-semibold">In the catalog afterwards</h2>
          <Table columns={["Relation", "Constraint", "Exists", "Validated", "ON DELETE"]} testId="prevention-verified">
            {j.verified.map((v) => (
              <tr key={v.relation}>
                <Td>
                  {may.openRelations ? (
                    <TextLink href={`/relations/${encodeURIComponent(v.relation)}`} className="font-mono text-sm">
                      {v.relation}
                    </TextLink>
                  ) : (
                    <span className="font-mono text-sm">{v.relation}</span>
                  )}
                </Td>
                <Td className="font-mono text-xs">{v.constraint}</Td>
                <Td>{v.exists ? "yes" : "no"}</Td>
                <Td>{v.validated ? "yes" : "no"}</Td>
                <Td>{v.onDelete ?? "—"}</Td>
              </tr>
            ))}
          </Table>
        </section>
      )}

      {j.requested && (
        <section className="space-y-2">
          <h2 className="text-lg font-semibold">What was requested</h2>
          <p className="text-xs text-zinc-500">As proposed when requested ({new Date(j.requested.at).toISOString().slice(0, 16).replace("T", " ")} UTC).</p>
          {j.requested.proposals.map((p) => (
            <div key={p.relation} className="card space-y-2 p-4" data-testid={`requested-${p.relation}`}>
              <p className="text-sm">
                <span className="font-mono">{p.relation}</span>: {p.constraint} ·{" "}
                <span className="font-medium">ON DELETE {j.actions[p.relation] ?? p.action}</span>
                {p.replaces ? ` (replaces ${p.replaces})` : ""}
              </p>
              {p.impact && (
                <p className="text-xs text-zinc-500">
                  Child rows: {formatNumber(p.impact.childRows)}. Writes blocked: {p.impact.writesBlocked}
                  {p.impact.copiesTable ? "; the table is copied" : ""}.
                </p>
              )}
              {p.statements.map((s) => (
                <div key={s.title}>
                  <p className="text-xs text-zinc-500">
                    -- {s.title} (lock {s.lock}; writes blocked: {s.writesBlocked})
                  </p>
                  <pre className="overflow-x-auto rounded bg-zinc-100 p-2 text-xs whitespace-pre-wrap dark:bg-zinc-900">
                    {s.sql.map((x) => `${x};`).join("\n")}
                  </pre>
                </div>
              ))}
            </div>
          ))}
        </section>
      )}
    </div>
  );
}
