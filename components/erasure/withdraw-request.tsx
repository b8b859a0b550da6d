"use client";
import { useAction } from "next-safe-action/hooks";
import { useState } from "react";
import { withdrawErasureRequest } from "@/lib/erasure/actions";
import { FieldError, FormError } from "@/components/form-errors";

type Errors = Record<string, { _errors?: string[] }> | undefined;

/**
 * Withdraws a mistaken request, in two steps: the reason, then a confirmation naming the
 * subject. Nothing is deleted: the request and its evidence stay, marked withdrawn.
 */
export function WithdrawRequest({ requestId, label }: { requestId: string; label: string }) {
  const { execute, result, isPending } = useAction(withdrawErasureRequest);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const v = result.validationErrors as Errors;
  if (!open) {
    return (
      <button className="btn-secondary" onClick={() => setOpen(true)} data-testid="withdraw-open">
        Withdraw…
      </button>
    );
  }
  return (
    <form
      className="card w-full space-y-2 p-4"
      data-testid="withdraw-form"
      action={() => {
        if (!confirming) setConfirming(true);
        else execute({ requestId, reason });
      }}
    >
      <h2 className="font-medium">Withdraw this request</h2>
      <p className="text-sm text-zinc-500">
        For a request filed by mistake. The request and its evidence are kept, marked withdrawn, and left out of the open lists and of &ldquo;Verify all&rdquo;.
      </p>
      <label className="block">
        <span className="text-xs text-zinc-500">Reason</span>
        <input
          name="reason"
          className="input mt-1 w-full"
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            setConfirming(false);
          }}
          placeholder="e.g. filed for the wrong customer"
          aria-label="Reason"
          data-testid="withdraw-reason"
        />
        <FieldError errors={v?.reason?._errors} />
      </label>
      {confirming && (
        <p className="text-sm text-red-700 dark:text-red-400" data-testid="withdraw-confirm-text">
          Withdraw the request for {label}? This is recorded with your name and cannot be undone.
        </p>
      )}
      <FormError message={result.serverError} />
      <div className="flex gap-2">
        <button className={confirming ? "btn-danger" : "btn-secondary"} disabled={isPending} data-testid="withdraw-submit">
          {isPending ? "Withdrawing…" : confirming ? "Yes, withdraw" : "Withdraw request"}
        </button>
        <button
          type="button"
          className="btn-secondary"
          onClick={() => {
            setOpen(false);
            setConfirming(false);
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
