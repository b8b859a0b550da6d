import Link from "next/link";
import { Sparkline } from "@/components/charts/sparkline";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { TextLink } from "@/components/ui/text-link";
import { alertBadge } from "@/lib/alerts/describe";
import type { RelationSort } from "@/lib/dashboard/relation-list";
import type { RelationRow } from "@/lib/dashboard/relations";
import { relationHref } from "@/lib/dashboard/href";
import { formatDuration, formatNumber, formatSigned } from "@/lib/format";

function endpoint(target: string, schema: string, table: string, columns: string[]) {
  return (
    <span className="font-mono text-xs break-all">
      <span className="text-zinc-500">{target}:</span>
      {schema}.{table}({columns.join(", ")})
    </span>
  );
}

/** A column header that sorts by its column (a link: the sort lives in the URL), with the current direction. */
function SortHeader({
  column,
  label,
  sort,
  dir,
  href,
}: {
  column: RelationSort;
  label: string;
  sort: RelationSort;
  dir: "asc" | "desc";
  href: (c: RelationSort) => string;
}) {
  const active = column === sort;
  return (
    <Link
      href={href(column)}
      className={`inline-flex items-center gap-1 hover:underline ${active ? "text-zinc-900 dark:text-white" : ""}`}
      aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}
      data-testid={`sort-${column}`}
      scroll={false}
    >
      {label}
      <span aria-hidden className={active ? "" : "opacity-30"}>
        {active && dir === "asc" ? "▲" : "▼"}
      </span>
    </Link>
  );
}

/** Every relation with its latest count; failed scans say why instead of showing 0. Every column sorts. */
export function RelationTable({
  rows,
  sort,
  dir,
  sortHref,
}: {
  rows: RelationRow[];
  sort: RelationSort;
  dir: "asc" | "desc";
  sortHref: (c: RelationSort) => string;
}) {
  const h = (column: RelationSort, label: string) => <SortHeader column={column} label={label} sort={sort} dir={dir} href={sortHref} />;
  return (
    <Table
      testId="relations"
      columns={[
        { label: h("relation", "Relation") },
        { label: h("endpoints", "Child → parent"), className: "min-w-64" },
        { label: h("orphans", "Orphans"), numeric: true },
        { label: h("delta", "Δ 24h"), numeric: true, className: "whitespace-nowrap" },
        { label: h("trend", "7 days"), className: "whitespace-nowrap" },
        { label: h("childRows", "Child rows"), numeric: true, className: "whitespace-nowrap" },
        { label: h("took", "Took"), numeric: true, className: "whitespace-nowrap" },
      ]}
    >
      {rows.map((s) => (
        <tr key={s.relation} data-relation={s.relation} className="align-top">
          <Td>
            <TextLink href={relationHref(s.relation)} className="font-medium">
              {s.relation}
            </TextLink>
            <div className="flex flex-wrap gap-1 text-xs text-zinc-500">
              {s.origin}
              {s.alerts.map((a) => (
                <StatusBadge key={a.kind} status="alert" testId="alert-badge">
                  {alertBadge(a.kind)}
                </StatusBadge>
              ))}
            </div>
          </Td>
          <Td>
            {endpoint(s.childTarget, s.childSchema, s.childTable, s.childColumns)}
            <span className="px-1 text-zinc-400">→</span>
            {endpoint(s.parentTarget, s.parentSchema, s.parentTable, s.parentColumns)}
            {s.error && (
              <div className="mt-1 text-xs text-red-600 dark:text-red-400" data-testid="scan-error">
                {s.errorKind}: {s.error}
              </div>
            )}
            {s.indexAdvice && !s.error && (
              <details className="mt-1 text-xs text-amber-700 dark:text-amber-400">
                <summary>No index on this key: scans and cleanups will be slow</summary>
                <pre className="mt-1 font-mono whitespace-pre-wrap">{s.indexAdvice}</pre>
              </details>
            )}
          </Td>
          <Td numeric className="whitespace-nowrap" data-testid="orphans">
            {s.error ? (
              <span className="text-red-600 dark:text-red-400">failed</span>
            ) : (
              <span className={Number(s.orphans) > 0 ? "font-semibold text-amber-700 dark:text-amber-400" : "text-zinc-500"}>{formatNumber(s.orphans)}</span>
            )}
          </Td>
          <Td numeric className={`whitespace-nowrap ${s.delta24h && s.delta24h > 0 ? "text-red-600 dark:text-red-400" : "text-zinc-500"}`}>
            {s.delta24h == null ? "—" : formatSigned(s.delta24h)}
          </Td>
          <Td>
            <Sparkline values={s.spark} />
          </Td>
          <Td numeric className="whitespace-nowrap text-zinc-500">
            {formatNumber(s.childRows)}
          </Td>
          <Td numeric className="text-xs whitespace-nowrap text-zinc-500">
            {formatDuration(s.durationMs)}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
