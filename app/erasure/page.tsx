import Link from "next/link";
import { z } from "zod";
import { CoverageList } from "@/components/erasure/coverage-list";
import { DeadlineText } from "@/components/erasure/deadline-cell";
import { EvidenceKey } from "@/components/erasure/evidence-key";
import { AddRequestForm, UploadKeysForm } from "@/components/erasure/request-forms";
import { StateBadge } from "@/components/erasure/state-badge";
import { VerifyAllButton } from "@/components/erasure/verify-all-button";
import { WithdrawnBadge } from "@/components/erasure/withdrawn-badge";
import { Table, Td } from "@/components/ui/table";
import { TextLink } from "@/components/ui/text-link";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { loadErasureList } from "@/lib/erasure/page-data";
import { shownEvidenceKey } from "@/lib/erasure/store-key";
import { STATES } from "@/lib/erasure/requests";
import { subjectLabel } from "@/lib/erasure/subjects";
import { unreviewedText } from "@/lib/erasure/trace";
import { formatNumber } from "@/lib/format";
import { serverConfig } from "@/lib/server/config";
import { getStore } from "@/lib/store/web";
import { LocalTime } from "@/components/ui/local-time";

export const dynamic = "force-dynamic";

const filterSchema = z.object({
  state: z.enum(STATES).optional().catch(undefined),
  withdrawn: z.literal("1").optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  q: z.string().trim().max(200).optional().catch(undefined),
});
const TABS: { state?: (typeof STATES)[number]; label: string }[] = [
  { label: "All (incomplete first)" },
  { state: "incomplete", label: "Incomplete" },
  { state: "complete", label: "Complete" },
  { state: "pending", label: "Not verified" },
  { state: "failed", label: "Could not verify" },
];

export default async function ErasurePage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePage("erasure.read", "/erasure");
  const mayVerify = can(actor.roles, "erasure.verify");
  const mayExport = can(actor.roles, "evidence.export");
  const filter = filterSchema.parse(await searchParams);
  const withdrawnTab = filter.withdrawn === "1";
  const config = serverConfig();
  const data = await loadErasureList(await getStore(), config, {
    state: withdrawnTab ? undefined : filter.state,
    withdrawn: withdrawnTab,
    search: filter.q || undefined,
    page: filter.page,
  });
  const subjects = config.subjects.map((s) => ({ name: s.name, label: `${s.target}.${s.table}`, key: s.key }));
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  const pages = Math.max(1, Math.ceil(data.total / data.take));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Erasure</h1>
          <p className="text-sm text-zinc-500">
            Is everything about this person gone, in every database? Each verification walks every relation that reaches the subject and is kept as evidence.
            {!mayVerify && " Read-only: verifying and exporting evidence is the DPO's."}
          </p>
          <EvidenceKey {...await shownEvidenceKey(await getStore())} mayDownload={can(actor.roles, "evidence_key.read")} />
        </div>
        {mayVerify && <VerifyAllButton running={data.running} />}
      </div>

      <section className="grid gap-4 sm:grid-cols-4" data-testid="erasure-counts">
        {(["incomplete", "complete", "pending", "failed"] as const).map((s) => (
          <Link key={s} href={`/erasure?state=${s}`} className="card p-4 hover:border-indigo-400">
            <div className="text-xs tracking-wide text-zinc-500 uppercase">{TABS.find((t) => t.state === s)!.label}</div>
            <div className={`tabular mt-1 text-2xl font-semibold ${s === "incomplete" && data.counts[s] ? "text-red-600" : ""}`}>
              {formatNumber(data.counts[s])}
            </div>
          </Link>
        ))}
      </section>

      <section className="card overflow-hidden">
        <nav className="flex flex-wrap gap-1 border-b border-zinc-200 p-2 text-sm dark:border-zinc-800" aria-label="Filter requests">
          {TABS.map((t) => {
            const current = !withdrawnTab && filter.state === t.state;
            return (
              <Link
                key={t.label}
                href={t.state ? `/erasure?state=${t.state}` : "/erasure"}
                aria-current={current ? "page" : undefined}
                className={`rounded px-3 py-1 ${current ? "bg-zinc-900 text-white dark:bg-white dark:text-zinc-900" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"}`}
              >
                {t.label}
              </Link>
            );
          })}
          {/* withdrawn requests are out of the lists above, kept here with their mark */}
          <Link
            href="/erasure?withdrawn=1"
            aria-current={withdrawnTab ? "page" : undefined}
            className={`rounded px-3 py-1 ${withdrawnTab ? "bg-zinc-900 text-white dark:bg-white dark:text-zinc-900" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"}`}
          >
            Withdrawn ({formatNumber(data.withdrawnCount)})
          </Link>
          <form method="get" action="/erasure" className="ml-auto flex gap-1" role="search">
            {filter.state && <input type="hidden" name="state" value={filter.state} />}
            {withdrawnTab && <input type="hidden" name="withdrawn" value="1" />}
            <input
              name="q"
              defaultValue={filter.q ?? ""}
              placeholder="Search key or subject"
              aria-label="Search requests by key or subject"
              className="input py-1"
              data-testid="erasure-search"
            />
            <button className="btn-secondary py-1" type="submit">
              Search
            </button>
          </form>
        </nav>
        {data.rows.length === 0 ? (
          <p className="p-6 text-sm text-zinc-500" data-testid="erasure-empty">
            {filter.q
              ? `No request matches "${filter.q}". Search by a key (3047) or a subject's name.`
              : withdrawnTab
                ? "No request was withdrawn."
                : filter.state
                  ? "No request in this state."
                  : mayVerify
                    ? "No erasure requests yet: add a subject's key below, or upload a CSV of keys."
                    : "No erasure requests yet: the DPO files them."}
          </p>
        ) : (
          <Table
            framed={false}
            testId="erasure-requests"
            columns={["Subject", "Verdict", "Answer due (Art. 12(3))", { label: "Rows left", numeric: true }, "Last verified", "Source", "Received"]}
          >
            {data.rows.map((r) => (
              <tr key={r.id} data-state={r.state} data-request={r.keyText}>
                <Td className="font-mono">
                  <TextLink href={`/erasure/${r.id}`}>{subjectLabel(r)}</TextLink>
                </Td>
                <Td>
                  <StateBadge state={r.state} />
                  {data.withdrawals.has(r.id) && (
                    <span className="ml-1">
                      <WithdrawnBadge />
                    </span>
                  )}
                  {r.state === "complete" && !!data.unreviewed.get(r.subject) && (
                    <span className="ml-1 text-xs text-amber-700 dark:text-amber-400" data-testid="unreviewed-note">
                      — {unreviewedText(data.unreviewed.get(r.subject)!)}
                    </span>
                  )}
                </Td>
                <Td className="text-sm whitespace-nowrap">
                  <DeadlineText request={r} />
                </Td>
                <Td numeric>{r.residualRows == null ? "—" : formatNumber(r.residualRows)}</Td>
                <Td className="text-zinc-500">{r.lastVerifiedAt ? <LocalTime date={r.lastVerifiedAt} /> : "never"}</Td>
                <Td className="text-zinc-500">{r.source}</Td>
                <Td className="text-zinc-500">
                  <LocalTime date={r.receivedAt} />
                </Td>
              </tr>
            ))}
          </Table>
        )}
        {pages > 1 && (
          <div className="flex justify-between border-t border-zinc-200 p-3 text-sm dark:border-zinc-800">
            <span className="text-zinc-500">
              {formatNumber(data.total)} requests · page {filter.page} of {pages}
            </span>
            <span className="flex gap-3">
              {filter.page > 1 && (
                <Link
                  href={`/erasure?${new URLSearchParams({ ...(filter.state ? { state: filter.state } : {}), ...(withdrawnTab ? { withdrawn: "1" } : {}), ...(filter.q ? { q: filter.q } : {}), page: String(filter.page - 1) })}`}
                >
                  ← newer
                </Link>
              )}
              {filter.page < pages && (
                <Link
                  href={`/erasure?${new URLSearchParams({ ...(filter.state ? { state: filter.state } : {}), ...(withdrawnTab ? { withdrawn: "1" } : {}), ...(filter.q ? { q: filter.q } : {}), page: String(filter.page + 1) })}`}
                >
                  older →
                </Link>
              )}
            </span>
          </div>
        )}
      </section>

      {mayVerify && subjects.length > 0 && (
        <section className="grid gap-4 lg:grid-cols-2">
          <div className="card p-4">
            <AddRequestForm subjects={subjects} />
          </div>
          <div className="card p-4">
            <UploadKeysForm subjects={subjects} />
          </div>
        </section>
      )}
      {subjects.length === 0 && (
        <p className="card p-4 text-sm text-zinc-500">
          No subjects are configured: add `subjects:` (whose erasure you verify, e.g. shop users by id) to the config.
        </p>
      )}

      {mayExport && (
        <section className="card p-4">
          <h2 className="font-medium">Evidence for a period</h2>
          <form className="mt-3 flex flex-wrap items-end gap-3" method="get" action="/api/erasure/report.pdf">
            <label>
              <span className="text-xs text-zinc-500">From</span>
              <input type="date" name="from" defaultValue={monthAgo} className="input mt-1" required />
            </label>
            <label>
              <span className="text-xs text-zinc-500">To</span>
              <input type="date" name="to" defaultValue={today} className="input mt-1" required />
            </label>
            <button className="btn-secondary" type="submit">
              PDF report
            </button>
            <button className="btn-secondary" type="submit" formAction="/api/erasure/evidence.csv">
              CSV
            </button>
          </form>
        </section>
      )}

      <CoverageList report={data.coverage} mayReview={mayVerify} />
    </div>
  );
}
