"use client";
import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { previewRestoreAction, restoreAction, searchRestoreAction } from "@/lib/softdelete/restore.actions";
import { FormError } from "@/components/form-errors";
import { formatNumber as fmt } from "@/lib/format";
import { TEXT_LINK } from "@/components/ui/text-link";

const day = (iso: string | null) => (iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—");

/** Support's flow: an exact id or email → the soft-deleted accounts it matches → preview → restore, or the reason it can't. */
export function RestorePanel({ tables }: { tables: string[] }) {
  const router = useRouter();
  const [table, setTable] = useState(tables[0] ?? "");
  const [query, setQuery] = useState("");
  // Restoring brings rows back into a live database: asked once more, naming what comes back.
  const [confirming, setConfirming] = useState(false);
  const search = useAction(searchRestoreAction);
  const preview = useAction(previewRestoreAction);
  const restore = useAction(restoreAction, {
    onSuccess: () => {
      setConfirming(false);
      preview.reset();
      search.execute({ table, query });
      router.refresh();
    },
  });
  const hits = search.result.data;
  const p = preview.result.data;
  const done = restore.result.data;
  return (
    <div className="space-y-4">
      <form
        className="card flex flex-wrap items-end gap-3 p-4"
        action={() => {
          preview.reset();
          restore.reset();
          search.execute({ table, query });
        }}
      >
        {tables.length > 1 && (
          <label className="text-sm">
            Table
            <select className="input mt-1" value={table} onChange={(e) => setTable(e.target.value)}>
              {tables.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
        )}
        <label className="min-w-72 flex-1 text-sm">
          Exact account id or email
          <input
            className="input mt-1"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="restore-query"
            autoComplete="off"
            placeholder="e.g. 2003 or jane@example.com"
          />
        </label>
        <button className="btn-primary" disabled={!query.trim() || search.isPending} data-testid="restore-search">
          {search.isPending ? "Searching…" : "Find"}
        </button>
        <p className="w-full text-xs text-zinc-500">Only deleted accounts are searched, by exact value: live accounts are never listed here.</p>
      </form>
      <FormError message={search.result.serverError ?? search.result.validationErrors?.query?._errors?.join("; ")} />

      {done && (
        <div role="status" className="card border-emerald-400 p-4 text-sm" data-testid="restore-done">
          Restored account {done.key.join(", ")} with {fmt(done.restored.reduce((n, t) => n + t.rows, 0))} rows of its cascade (
          {done.restored.map((t) => `${t.table}: ${fmt(t.rows)}`).join("; ") || "no rows below it"}).
          {done.accountUrl && (
            <p className="mt-2">
              <a href={done.accountUrl} target="_blank" rel="noopener noreferrer" className={`${TEXT_LINK} font-medium`} data-testid="restore-account-link">
                Open account {done.key.join(", ")} in the back office ↗
              </a>
            </p>
          )}
          {done.failed.length > 0 && (
            <p className="mt-2 text-amber-700 dark:text-amber-400" data-testid="restore-incomplete">
              Not restored yet (another database, its own transaction): {done.failed.map((f) => `${f.table}: ${f.error}`).join("; ")}. Restore the account again
              once it is reachable.
            </p>
          )}
        </div>
      )}

      {hits && (
        <div className="card p-4" data-testid="restore-hits">
          {hits.length === 0 ? (
            <p className="text-sm text-zinc-500" data-testid="restore-none">
              No deleted account has exactly this id or email. Check the spelling; an account purged after its grace period cannot be found or restored.
            </p>
          ) : (
            <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
              {hits.map((h) => (
                <li key={h.key.join(",")} className="flex items-center justify-between gap-2 py-2">
                  <span>
                    Account <span className="font-mono">{h.key.join(", ")}</span> (matched by {h.by}), deleted {day(h.deletedAt)}
                  </span>
                  <button
                    className="btn-secondary"
                    onClick={() => {
                      setConfirming(false);
                      preview.execute({ table, key: h.key });
                    }}
                    data-testid="restore-preview"
                  >
                    Preview
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      <FormError message={preview.result.serverError} />
      {p && (
        <section className="card space-y-3 p-4" data-testid="restore-preview-result">
          <h2 className="text-lg font-semibold">Account {p.key.join(", ")}</h2>
          <dl className="grid gap-2 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-xs text-zinc-500">Deleted</dt>
              <dd>{day(p.deletedAt)}</dd>
            </div>
            <div>
              <dt className="text-xs text-zinc-500">Restorable until</dt>
              <dd>
                {day(p.graceEndsAt)} ({p.graceDays}-day grace)
              </dd>
            </div>
            {Object.entries(p.unique).map(([k, v]) => (
              <div key={k}>
                <dt className="text-xs text-zinc-500">{k}</dt>
                <dd className="font-mono">{v ?? "—"}</dd>
              </div>
            ))}
          </dl>
          <div className="text-sm">
            <p className="font-medium">Comes back with it: the rows deleted in the same cascade (rows deleted earlier on their own stay deleted)</p>
            <ul className="mt-1 list-inside list-disc" data-testid="restore-children">
              {p.children.length === 0 && <li className="text-zinc-500">no table below it has a deletion stamp</li>}
              {p.children.map((c) => (
                <li key={c.table} className="font-mono text-xs">
                  {c.table}:{" "}
                  {c.rows === null ? (
                    <span className="text-red-600 dark:text-red-400">cannot be read now ({c.error})</span>
                  ) : (
                    `${fmt(c.rows)} row${c.rows === 1 ? "" : "s"}`
                  )}
                </li>
              ))}
            </ul>
          </div>
          {p.refusal ? (
            <p
              role="alert"
              className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 dark:bg-amber-950 dark:text-amber-300"
              data-testid="restore-refusal"
            >
              Cannot be restored: {p.refusal.reason}.
            </p>
          ) : (
            <div className="space-y-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
              <FormError message={restore.result.serverError} />
              {confirming ? (
                <div role="alertdialog" aria-label="Confirm restore" className="space-y-2" data-testid="restore-confirm">
                  <p className="text-sm">
                    Restore account <span className="font-mono">{p.key.join(", ")}</span>
                    {p.children.some((c) => c.rows) ? ` and ${fmt(p.children.reduce((n, c) => n + (c.rows ?? 0), 0))} rows deleted with it` : ""}? It becomes
                    live again in {p.table} at once; the restore is recorded in the audit trail.
                  </p>
                  <div className="flex gap-2">
                    <button
                      className="btn-primary"
                      onClick={() => restore.execute({ table, key: p.key })}
                      disabled={restore.isPending}
                      data-testid="restore-confirm-yes"
                    >
                      {restore.isPending ? "Restoring…" : "Yes, restore it"}
                    </button>
                    <button className="btn-secondary" onClick={() => setConfirming(false)} disabled={restore.isPending} data-testid="restore-confirm-no">
                      Cancel
                    </button>
                  </div>
                </div>
              ) : (
                <button className="btn-primary" onClick={() => setConfirming(true)} data-testid="restore-run">
                  Restore account {p.key.join(", ")}…
                </button>
              )}
            </div>
          )}
        </section>
      )}
    </div>
  );
}
