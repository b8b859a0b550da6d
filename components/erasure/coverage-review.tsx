"use client";
import { useAction } from "next-safe-action/hooks";
import { markCoverageNotPersonal } from "@/lib/erasure/actions";
import { FieldError, FormError } from "@/components/form-errors";

type Errors = Record<string, { _errors?: string[] }> | undefined;

/** "Not personal data", with the reason: the DPO's review of one coverage entry. */
export function CoverageReview({ entry }: { entry: { target: string; schema: string; table: string; column: string } }) {
  const { execute, result, isPending } = useAction(markCoverageNotPersonal);
  const v = result.validationErrors as Errors;
  return (
    <form className="flex flex-wrap items-start gap-2" action={(f) => execute({ ...entry, reason: String(f.get("reason")) })}>
      <input name="reason" className="input w-64" placeholder="why this is not personal data" aria-label="Reason" />
      <button className="btn-secondary" disabled={isPending}>
        {isPending ? "Saving…" : "Not personal data"}
      </button>
      <FieldError errors={v?.reason?._errors} />
      <FormError message={result.serverError} />
    </form>
  );
}
