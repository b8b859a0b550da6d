import Link from "next/link";
import { requirePage } from "@/lib/auth/guard";
import { auditFilterSchema, type AuditFilter } from "@/lib/audit/filter";
import { actorNames, listAuditEvents } from "@/lib/audit/query";
import { formatRelative } from "@/lib/format";
import { getStore } from "@/lib/server/store";

export const dynamic = "force-dynamic";

const RESULT_STYLE: Record<string, string> = {
  started: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300",
  ok: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  denied: "bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  failed: "bg-red-50 text-red-700 dark:bg-red-950 dark:text-red-300",
};

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePage("audit.read", "/audit");
  const raw = await searchParams;
  const parsed = auditFilterSchema.safeParse(raw);
  const filter: AuditFilter = parsed.success ? parsed.data : { result: undefined };
  const store = await getStore();
  const [{ rows, nextBefore }, users] = await Promise.all([
    listAuditEvents(store, filter),
    store.prisma.user.findMany({ select: { id: true, email: true }, orderBy: { email: "asc" } }),
  ]);
  const names = await actorNames(store, rows.map((r) => r.actorId));
  const query = new URLSearchParams(Object.entries(filter).filter(([k, v]) => v && k !== "before") as [string, string][]);
  return (
    <div className="space-y-6">
      <div className="flex items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Audit trail</h1>
          <p className="text-sm text-zinc-500">Every action, allowed or not. Append-only: the store refuses to change or delete an event.</p>
        </div>
        <a href={`/api/audit/export?${query}`} className="btn-secondary" download data-testid="audit-export">
          Export CSV
        </a>
      </div>
      <form className="card grid gap-3 p-4 sm:grid-cols-6" method="get">
        <label className="sm:col-span-2">
          <span className="text-xs text-zinc-500">Actor</span>
          <select name="actor" defaultValue={filter.actor ?? ""} className="input mt-1">
            <option value="">anyone</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="text-xs text-zinc-500">Action</span>
          <input name="action" defaultValue={filter.action ?? ""} placeholder="e.g. users" className="input mt-1" />
        </label>
        <label>
          <span className="text-xs text-zinc-500">Result</span>
          <select name="result" defaultValue={filter.result ?? ""} className="input mt-1">
            <option value="">any</option>
            <option value="started">started</option>
            <option value="ok">ok</option>
            <option value="denied">denied</option>
            <option value="failed">failed</option>
          </select>
        </label>
        <label>
          <span className="text-xs text-zinc-500">From</span>
          <input type="date" name="from" defaultValue={filter.from ?? ""} className="input mt-1" />
        </label>
        <label>
          <span className="text-xs text-zinc-500">To</span>
          <input type="date" name="to" defaultValue={filter.to ?? ""} className="input mt-1" />
        </label>
        <div className="flex gap-2 sm:col-span-6">
          <button className="btn-primary" type="submit">
            Filter
          </button>
          <Link href="/audit" className="btn-secondary">
            Clear
          </Link>
          {!parsed.success && <span className="self-center text-sm text-red-600">{parsed.error.issues[0].message}</span>}
        </div>
      </form>
      {rows.length === 0 ? (
        <div className="card border-dashed p-10 text-center text-zinc-500">
          No events match these filters. Clear them, or widen the date range.
        </div>
      ) : (
        <div className="card overflow-x-auto">
          <table className="w-full text-sm" data-testid="audit-events">
            <thead className="bg-zinc-100 dark:bg-zinc-800/60">
              <tr>
                <th className="th">When</th>
                <th className="th">Actor</th>
                <th className="th">Action</th>
                <th className="th">Object</th>
                <th className="th">Parameters</th>
                <th className="th">Result</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {rows.map((r) => (
                <tr key={String(r.id)} data-action={r.action} data-result={r.result}>
                  <td className="td whitespace-nowrap" title={r.at.toISOString()}>
                    {formatRelative(r.at)}
                  </td>
                  <td className="td">
                    <div>{r.actorId === "system" ? "Custodian" : r.actorId ? (names.get(r.actorId) ?? r.actorId) : "not signed in"}</div>
                    <div className="text-xs text-zinc-500">{r.actorRoles.join(", ")}</div>
                  </td>
                  <td className="td font-mono text-xs">{r.action}</td>
                  <td className="td font-mono text-xs">{r.object ?? ""}</td>
                  <td className="td max-w-xs truncate font-mono text-xs" title={JSON.stringify(r.params)}>
                    {JSON.stringify(r.params) === "{}" ? "" : JSON.stringify(r.params)}
                  </td>
                  <td className="td">
                    <span className={`rounded px-2 py-0.5 text-xs font-medium ${RESULT_STYLE[r.result] ?? ""}`}>{r.result}</span>
                    {r.reason && <div className="mt-1 text-xs text-zinc-500">{r.reason}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextBefore && (
        <Link href={`/audit?${new URLSearchParams({ ...Object.fromEntries(query), before: nextBefore })}`} className="btn-secondary">
          Older events
        </Link>
      )}
    </div>
  );
}
