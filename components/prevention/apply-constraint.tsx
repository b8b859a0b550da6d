"use client";
import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormError } from "@/components/form-errors";
import { PREVENTION_ACTIONS, type PreventionAction } from "@/lib/prevention/action";
import { requestPreventionAction } from "@/lib/prevention/actions";
import { confirmationPhrase } from "@/lib/prevention/prevention.validation";

/**
 * Ops asks Custodian to add a ready relation's constraint: the ON DELETE can be changed,
 * the relation's name is typed to confirm, and the request becomes a constraint job (its
 * page follows it). With prevention.requireApproval a second person approves it first.
 */
export function ApplyConstraint({ relation, proposed, requireApproval }: { relation: string; proposed: PreventionAction; requireApproval: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [onDelete, setOnDelete] = useState<PreventionAction>(proposed);
  const [typed, setTyped] = useState("");
  const request = useAction(requestPreventionAction, { onSuccess: ({ data }) => data && router.push(`/prevention/jobs/${data.jobId}`) });
  const phrase = confirmationPhrase([relation]);
  if (!open) {
    return (
      <button type="button" className="btn-secondary" onClick={() => setOpen(true)} data-testid={`apply-open-${relation}`}>
        Apply from Custodian…
      </button>
    );
  }
  return (
    <form
      className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-700"
      data-testid={`apply-form-${relation}`}
      action={() => request.execute({ relations: [relation], actions: onDelete === proposed ? {} : { [relation]: onDelete }, confirm: typed })}
    >
      <label className="block text-sm">
        ON DELETE
        <select className="input mt-1 w-auto" value={onDelete} onChange={(e) => setOnDelete(e.target.value as PreventionAction)} data-testid="apply-action">
          {PREVENTION_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
              {a === proposed ? " (proposed)" : ""}
            </option>
          ))}
        </select>
      </label>
      <p className="text-xs text-zinc-500">
        The orphans are counted again before any statement runs: a relation with new orphans is refused, nothing changed. Each statement runs under the
        configured lock timeout; the first that fails stops the rest.
        {requireApproval ? " A second person with ops or admin approves the request before anything runs." : " It runs as soon as a worker takes it."}
      </p>
      <label className="block text-sm">
        Type <code className="font-mono font-semibold">{phrase}</code> to confirm
        <input className="input mt-1 font-mono" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" data-testid="apply-confirm" />
      </label>
      <div className="flex gap-2">
        <button className="btn-primary" disabled={typed !== phrase || request.isPending} data-testid="apply-submit">
          {request.isPending ? "Checking…" : requireApproval ? "Request approval" : "Apply now"}
        </button>
        <button type="button" className="btn-secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      <FormError message={request.result.serverError} />
    </form>
  );
}
