import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { DeadlineText } from "@/components/erasure/deadline-cell";
import { EvidenceKey } from "@/components/erasure/evidence-key";
import { StateBadge } from "@/components/erasure/state-badge";
import { VerifyButton } from "@/components/erasure/verify-button";
import { WithdrawnBadge } from "@/components/erasure/withdrawn-badge";
import { WithdrawRequest } from "@/components/erasure/withdraw-request";
import { BackLink } from "@/components/ui/page-header";
import { Table, Td } from "@/components/ui/table";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { storedTables } from "@/lib/erasure/evidence";
import { loadErasureRequest } from "@/lib/erasure/page-data";
import { shownEvidenceKey } from "@/lib/erasure/store-key";
import { subjectLabel } from "@/lib/erasure/subjects";
import { seenByCustodian, traceSummary, unreviewedText, verdictText } from "@/lib/erasure/trace";
import { formatNumber } from "@/lib/format";
import { getStore } from "@/lib/store/web";
import { LocalTime } from "@/components/ui/local-time";

export const dynamic = "force-dynamic";

export default async function ErasureSubjectPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePage("erasure.read", `/erasure/${encodeURIComponent(id)}`);
  if (!z.uuid().safeParse(id).success) notFound();
  const data = await loadErasureRequest(await getStore(), id);
  if (!data) notFound();
  const { request, history, latest, names, withdrawal, trace, unreviewed } = data;
  const mayVerify = can(actor.roles, "erasure.verify");
  const mayExport = can(actor.roles, "evidence.export");
  const byTarget = new Map<string, NonNullable<typeof latest>["tables"]>();
  for (const t of latest?.tables ?? []) byTarget.set(t.target, [...(byTarget.get(t.target) ?? []), t]);
  // what needs action first: databases, and tables within them, with rows left (or unreadable) on top
  const weight = (t: { residualRows: number; error?: string }) => (t.error ? Infinity : t.residualRows);
  const databases = [...byTarget.entries()]
    .map(([target, tables]) => [target, [...tables].sort((a, b) => weight(b) - weight(a))] as const)
    .sort(([, a], [, b]) => weight(b[0]) - weight(a[0]));

  return (
    <div className="space-y-6">
      <div>
        <BackLink href="/erasure">Erasure</BackLink>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="font-mono text-2xl font-semibold" data-testid="subject-label">
            {subjectLabel(request)}
          </h1>
          <StateBadge state={request.state} />
          {withdrawal && <WithdrawnBadge />}
        </div>
        <p className="text-sm text-zinc-500">
          Subject &ldquo;{request.subject}&rdquo; ·{" "}
          {request.source === "csv" ? "uploaded in a CSV" : request.source === "purge" ? `from purge request ${request.purgeRequestId}` : "added by hand"}{" "}
          <LocalTime date={request.createdAt} />
          {request.lastVerifiedAt && (
            <>
              {" · last verified "}
              <LocalTime date={request.lastVerifiedAt} />
            </>
          )}
        </p>
        <p className="mt-1 text-sm" data-testid="request-deadline">
          Received {request.receivedAt.toISOString().slice(0, 10)} · answer due: {!withdrawal ? <DeadlineText request={request} /> : "withdrawn"}
        </p>
        <EvidenceKey {...await shownEvidenceKey(await getStore())} mayDownload={can(actor.roles, "evidence_key.read")} />
      </div>

      {withdrawal && (
        <p className="card border-red-300 p-4 text-sm" data-testid="withdrawn-note">
          <span className="font-medium text-red-700 dark:text-red-400">Withdrawn</span> <LocalTime date={withdrawal.withdrawnAt} /> (
          {withdrawal.withdrawnAt.toISOString().slice(0, 10)}) by {names.get(withdrawal.withdrawnBy) ?? withdrawal.withdrawnBy}: &ldquo;{withdrawal.reason}
          &rdquo;. It is kept with its evidence, out of the open lists and of &ldquo;Verify all&rdquo;.
        </p>
      )}

      {history[0] && latest && (
        <p className="text-sm" data-testid="verdict-text">
          <span className="text-zinc-500">Latest verdict (evidence #{history[0].id.toString()}): </span>
          <span
            className={
              history[0].verdict === "complete"
                ? latest.unreviewedColumns
                  ? "text-amber-700 dark:text-amber-400"
                  : "text-emerald-700 dark:text-emerald-400"
                : "text-red-600"
            }
          >
            {verdictText(history[0], { unreviewedColumns: latest.unreviewedColumns, trace: latest.trace })}
          </span>
        </p>
      )}

      <section className="card space-y-1 p-4 text-sm" data-testid="trace">
        <h2 className="font-medium">
          What Custodian knew of this key {history[0] && <span className="font-normal text-zinc-500">(before evidence #{history[0].id.toString()})</span>}
        </h2>
        {trace ? (
          <>
            <p data-testid="trace-summary" className={seenByCustodian(trace) ? "" : "text-zinc-500"}>
              {traceSummary(trace).replace(/^./, (c) => c.toUpperCase())}.
            </p>
            {!seenByCustodian(trace) && (
              <p className="text-zinc-500">
                No purge or deletion request of it, no sweep saw rows pointing at it, no verification found its rows: a &ldquo;complete&rdquo; here means
                nothing of this key was found, not that Custodian erased it.
              </p>
            )}
          </>
        ) : (
          <p className="text-zinc-500">
            {history[0]
              ? "Not recorded by this verification (made before Custodian recorded traces)."
              : "Each verification records it: a purge or deletion request of this key, rows sweeps saw pointing at it, an earlier verification that found its rows — or that Custodian never saw it."}
          </p>
        )}
        {unreviewed && unreviewed.length > 0 && (
          <p className="text-amber-700 dark:text-amber-400" data-testid="unreviewed-note">
            {unreviewedText(unreviewed.length).replace(/^./, (c) => c.toUpperCase())}, so never checked:{" "}
            <span className="font-mono text-xs">{unreviewed.map((c) => `${c.target}.${c.schema}.${c.table}.${c.column}`).join(", ")}</span> — map a relation, or
            mark it &ldquo;not personal data&rdquo; on{" "}
            <Link href="/erasure" className="underline">
              the erasure page
            </Link>
            .
          </p>
        )}
      </section>

      <div className="flex flex-wrap items-center gap-3">
        {mayVerify && !withdrawal && <VerifyButton requestId={request.id} />}
        {mayVerify && !withdrawal && <WithdrawRequest requestId={request.id} label={subjectLabel(request)} />}
        {mayExport && history.length > 0 && (
          <>
            <a className="btn-secondary" href={`/api/erasure/report.pdf?request=${request.id}`} download data-testid="download-pdf">
              Download PDF
            </a>
            <a className="btn-secondary" href={`/api/erasure/evidence.csv?request=${request.id}`} download data-testid="download-csv">
              CSV
            </a>
          </>
        )}
      </div>

      {!latest ? (
        <p className="card p-6 text-sm text-zinc-500">{mayVerify ? "Not verified yet: press “Verify now” to walk every database." : "Not verified yet."}</p>
      ) : (
        <section className="space-y-4" data-testid="breakdown">
          <h2 className="text-lg font-semibold">
            What is left, by database{" "}
            <span className="text-sm font-normal text-zinc-500">
              (evidence #{history[0].id.toString()}, <LocalTime date={history[0].verifiedAt} />)
            </span>
          </h2>
          {!!latest.cycles?.length && (
            <p className="text-sm text-zinc-500">
              Not followed, because they lead back into a table already walked (a row reached only that way belongs to someone else): {latest.cycles.join(", ")}
              .
            </p>
          )}
          {(latest.failures ?? []).map((f) => (
            <p key={f.target} className="text-sm text-red-600">
              Database {f.target} could not be read, so this verification cannot be complete: {f.error}
            </p>
          ))}
          {databases.map(([target, tables]) => (
            <div key={target} className="card overflow-hidden">
              <div className="flex justify-between border-b border-zinc-200 px-4 py-2 text-sm dark:border-zinc-800">
                <span className="font-medium">{target}</span>
                <span className="text-zinc-500">{formatNumber(tables.reduce((n, t) => n + t.residualRows, 0))} rows left</span>
              </div>
              <Table
                framed={false}
                className="table-fixed"
                columns={[
                  { label: "Table", className: "w-[30%]" },
                  { label: "Rows left", numeric: true, className: "w-[11%]" },
                  { label: "Kept, PII emptied", numeric: true, className: "w-[13%]" },
                  { label: "Sample keys", className: "w-[26%]" },
                  { label: "Reached through", className: "w-[20%]" },
                ]}
              >
                {tables.map((t) => (
                  <tr key={`${t.schema}.${t.table}`} data-testid="residue-row" data-table={t.table}>
                    <Td className="font-mono break-all">
                      {t.schema}.{t.table}
                    </Td>
                    <Td numeric className={`${t.residualRows || t.error ? "font-semibold text-red-600" : ""}`}>
                      {t.error ? "not checked" : formatNumber(t.residualRows)}
                    </Td>
                    <Td numeric className="text-zinc-500">
                      {t.redactedRows ? formatNumber(t.redactedRows) : ""}
                    </Td>
                    <Td className="font-mono text-xs text-zinc-500">
                      {t.error ? (
                        <span className="font-sans text-red-600">{t.error}</span>
                      ) : t.sampleKeys.length ? (
                        `${t.keyColumns.join("/")}: ${t.sampleKeys.map((k) => k.join("/")).join(", ")}${t.residualRows > t.sampleKeys.length ? ", …" : ""}`
                      ) : (
                        ""
                      )}
                    </Td>
                    <Td className="text-xs text-zinc-500">{t.via.length ? t.via.join(", ") : "the subject's own table"}</Td>
                  </tr>
                ))}
              </Table>
            </div>
          ))}
        </section>
      )}

      {history.length > 0 && (
        <section className="space-y-2">
          <h2 className="text-lg font-semibold">Evidence history</h2>
          <Table testId="evidence-history" columns={["#", "Verified", "By", "Verdict", { label: "Rows left", numeric: true }, "Custodian / config", "Hash"]}>
            {history.map((e) => (
              <tr key={e.id.toString()}>
                <Td>{e.id.toString()}</Td>
                <Td>
                  <LocalTime date={e.verifiedAt} />
                </Td>
                <Td className="text-zinc-500">{names.get(e.verifiedBy) ?? e.verifiedBy}</Td>
                <Td>
                  <StateBadge state={e.verdict} />
                  {e.verdict === "complete" && !!storedTables(e).unreviewedColumns && (
                    <span className="ml-1 text-xs text-amber-700 dark:text-amber-400">— {unreviewedText(storedTables(e).unreviewedColumns!)}</span>
                  )}
                </Td>
                <Td numeric>{formatNumber(e.residualRows)}</Td>
                <Td className="font-mono text-xs text-zinc-500">
                  {e.custodianVersion} / {e.configHash}
                </Td>
                <Td className="font-mono text-xs text-zinc-500" title={e.hash}>
                  {e.hash.slice(0, 12)}…
                </Td>
              </tr>
            ))}
          </Table>
        </section>
      )}
    </div>
  );
}
