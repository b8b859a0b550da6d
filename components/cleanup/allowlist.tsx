"use client";
import { useAction } from "next-safe-action/hooks";
import { addAllowlistEntry, removeAllowlistEntry } from "@/lib/relations/allowlist.actions";
import { FormError } from "@/components/form-errors";
import type { AllowlistEntryView } from "@/lib/relations/queries";
import { Table, Td } from "@/components/ui/table";

/** Orphans kept on purpose: entries from the config (read-only here) and those added on this page. */
export function Allowlist({ relation, entries, columns, editable }: { relation: string; entries: AllowlistEntryView[]; columns: string[]; editable: boolean }) {
  const add = useAction(addAllowlistEntry);
  const remove = useAction(removeAllowlistEntry);
  return (
    <section className="space-y-2" data-testid="allowlist">
      <h2 className="text-lg font-semibold">Allowlist</h2>
      <p className="text-sm text-zinc-500">Orphans kept on purpose. A cleanup skips them until their entry expires.</p>
      {entries.length === 0 ? (
        <p className="text-sm text-zinc-500">No entries.</p>
      ) : (
        <Table columns={[`Key (${columns.join(", ")})`, "Reason", "Until", "From", ""]}>
          {entries.map((e, i) => (
            <tr key={e.id ?? `c${i}`} className={e.expired ? "opacity-50" : ""}>
              <Td className="font-mono text-xs">{e.key.join(", ")}</Td>
              <Td>{e.reason}</Td>
              <Td className="whitespace-nowrap">
                {e.until}
                {e.expired && " (expired: no longer protects)"}
              </Td>
              <Td className="text-zinc-500">{e.source === "config" ? "config file" : "this console"}</Td>
              <Td className="text-right">
                {editable && e.id && !e.expired && (
                  <button className="btn-secondary !px-2 !py-0.5 text-xs" onClick={() => remove.execute({ id: e.id! })} disabled={remove.isPending}>
                    Remove
                  </button>
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
      {editable && (
        <form
          className="card grid gap-2 p-3 sm:grid-cols-4"
          action={(f) =>
            add.execute({ relation, key: columns.map((c) => String(f.get(`key:${c}`) ?? "")), reason: String(f.get("reason")), until: String(f.get("until")) })
          }
        >
          {columns.map((c) => (
            <label key={c} className="text-xs text-zinc-500">
              {c}
              <input name={`key:${c}`} required className="input mt-1 font-mono" />
            </label>
          ))}
          <label className="text-xs text-zinc-500 sm:col-span-2">
            Reason
            <input name="reason" required minLength={3} className="input mt-1" placeholder="kept for fraud case 118" />
          </label>
          <label className="text-xs text-zinc-500">
            Until
            <input name="until" type="date" required className="input mt-1" />
          </label>
          <div className="flex items-end gap-2 sm:col-span-4">
            <button className="btn-secondary" disabled={add.isPending}>
              Add to allowlist
            </button>
            <FormError message={add.result.serverError ?? (add.result.validationErrors ? "check the key, reason and date" : undefined)} />
          </div>
        </form>
      )}
    </section>
  );
}
