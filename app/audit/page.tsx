import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { requirePage } from "@/lib/auth/guard";
import { auditFilterSchema, type AuditFilter } from "@/lib/audit/filter";
import { auditPage } from "@/lib/audit/queries";
import { getStore } from "@/lib/store/web";
import { LocalTime } from "@/components/ui/local-time";

export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePage("audit.read", "/audit");
  const raw = await searchParams;
  const parsed = auditFilterSchema.safeParse(raw);
  const filter: AuditFilter = parsed.success ? parsed.data : { result: undefined };
  const { rows, nextBefore, users, names } = await auditPage(await getStore(), filter);
  const query = new URLSearchParams(Object.entries(filter).filter(([k, v]) => v && k !== "before") as [string, string][]);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Audit trail"
        description="Every action, allowed or not. Append-only: the store refuses to change or delete an event."
        actions={
          <a href={`/api/audit/export?${query}`} className="btn-secondary" download data-testid="audit-export">
            Export CSV
          </a>
        }
      />
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
        <EmptyState>No events match these filters. Clear them, or widen the date range.</EmptyState>
      ) : (
        <Table testId="audit-events" columns={["When", "Actor", "Action", "Object", "Parameters", "Result"]}>
          {rows.map((r) => (
            <tr key={String(r.id)} data-action={r.action} data-result={r.result}>
              <Td className="whitespace-nowrap">
                <LocalTime date={r.at} />
              </Td>
              <Td>
                <div>{r.actorId === "system" ? "Custodian" : r.actorId ? (names.get(r.actorId) ?? r.actorId) : "not signed in"}</div>
                <div className="text-xs text-zinc-500">{r.actorRoles.join(", ")}</div>
              </Td>
              <Td className="font-mono text-xs">{r.action}</Td>
              <Td className="font-mono text-xs">{r.object ?? ""}</Td>
              <Td className="max-w-xs truncate font-mono text-xs" title={JSON.stringify(r.params)}>
                {JSON.stringify(r.params) === "{}" ? "" : JSON.stringify(r.params)}
              </Td>
              <Td>
                <StatusBadge status={r.result} />
                {r.reason && <div className="mt-1 text-xs text-zinc-500">{r.reason}</div>}
              </Td>
            </tr>
          ))}
        </Table>
      )}
      {nextBefore && (
        <Link href={`/audit?${new URLSearchParams({ ...Object.fromEntries(query), before: nextBefore })}`} className="btn-secondary">
          Older events
        </Link>
      )}
    </div>
  );
}
