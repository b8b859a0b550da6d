"use client";
import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { startPurgeAction } from "@/lib/softdelete/actions";
import { FormError } from "@/components/form-errors";
import { formatNumber } from "@/lib/format";
import { TextLink } from "@/components/ui/text-link";

/** Confirm (type the table's name) → a purge job of the rows past grace. */
export function PurgeButton({ table, pending, blocked = false }: { table: string; pending: number; blocked?: boolean }) {
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const start = useAction(startPurgeAction, { onSuccess: () => router.refresh() });
  const started = start.result.data && (
    <span className="text-sm text-zinc-500" data-testid="purge-started">
      {start.result.data.created ? "Purge started: " : "A purge of this table is already under way: "}
      <TextLink href={`/jobs/purges/${start.result.data.jobId}`}>follow it</TextLink>
    </span>
  );
  // Once the purge has emptied the backlog, the link to it stays.
  if (pending === 0) return <p className="text-sm text-zinc-500">Nothing waits past grace: there is nothing to purge. {started}</p>;
  return (
    <form className="flex flex-wrap items-end gap-2" action={() => start.execute({ table, confirm: typed })}>
      <label className="text-sm">
        Type <code className="font-mono font-semibold">{table}</code> to purge {formatNumber(pending)} subject{pending === 1 ? "" : "s"} past grace
        <input className="input mt-1 font-mono" value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="purge-confirm" autoComplete="off" />
      </label>
      <button className="btn-primary bg-red-600 hover:bg-red-500" disabled={typed !== table || start.isPending || blocked} data-testid="purge-start">
        {start.isPending ? "Starting…" : "Purge past grace"}
      </button>
      {started}
      <FormError message={start.result.serverError} />
    </form>
  );
}
