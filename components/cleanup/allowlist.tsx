"use client";
import { useAction } from "next-safe-action/hooks";
import { addAllowlistEntry, removeAllowlistEntry } from "@/lib/relations/allowlist.actions";
import { FormError } from "@/components/form-errors";

export interface AllowlistRow {
  id: string | null;
  key: string[];
  reason: string;
  until: string;
  source: "config" | "console";
  expired: boolean;
}

/** Orphans kept on purpose: entries from the config (read-only here) and those added on this page. */
export function Allowlist({ relation, entries, columns, editable }: { relation: string; entries: AllowlistRow[]; columns: string[]; editable: boolean }) {
  const add = useAction(addAllowlistEntry);
  const remove = useAction(removeAllowlistEntry);
  return (
    <section className="space-y-2" data-testid="allowlist">
      <h2 className="text-lg font-semibold">Allowlist</h2>
      <p className="text-sm text-zinc-500">Orphans kept on purpose. A cleanup skips them until their entry expires.</p>
      {entries.length === 0 ? (
        <p className="text-sm text-zinc-500">No entries.</p>
      ) : (
        <div className="card overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="bg-zinc-100 dark:bg-zinc-800/60">
              <tr>
                <th className="th">Key ({columns.join(", ")})</th>
                <th className="th">Reason</th>
                <th className="th">Until</th>
                <th className="th">From</th>
                <th className="th" />
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {entries.map((e, i) => (
                <tr key={e.id ?? `c${i}`} className={e.expired ? "opacity-50" : ""}>
                  <td className="td font-mono text-xs">{e.key.join(", ")}</td>
                  <td className="td">{e.reason}</td>
                  <td className="td whitespace-nowrap">
                    {e.until}
                    {e.expired && " (expired: no longer protects)"}
                  </td>
                  <td className="td text-zinc-500">{e.source === "config" ? "config file" : "this console"}</td>
                  <td className="td text-right">
                    {editable && e.id && !e.expired && (
                      <button className="btn-secondary !px-2 !py-0.5 text-xs" onClick={() => remove.execute({ id: e.id! })} disabled={remove.isPending}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
