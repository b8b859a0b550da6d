import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import type { OrphanPreviewPage } from "@/lib/detect/preview";
import type { Sighting } from "@/lib/sightings/record";
import { sightingKey } from "@/lib/sightings/record";

const MAX_CELL = 80;
const DAY_MS = 86_400_000;

function cell(v: unknown): { text: string; full?: string } {
  if (v == null) return { text: "NULL" };
  const s = v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? `\\x${v.toString("hex")}` : typeof v === "object" ? JSON.stringify(v) : String(v);
  return s.length > MAX_CELL ? { text: `${s.slice(0, MAX_CELL)}…`, full: s } : { text: s };
}

export interface PreviewNav {
  /** 1-based */
  pageNumber: number;
  pageSize: number;
  nextHref: string | null;
  prevHref: string | null;
  firstHref: string | null;
}

/**
 * The orphan rows themselves, a page at a time: when a sweep first saw each key, and what a
 * cleanup would do with it now (allowlisted, eligible on a date inside the grace period, or eligible).
 */
export function OrphanPreview({
  page,
  sightings,
  allowlisted,
  graceDays,
  nav,
}: {
  page: OrphanPreviewPage;
  sightings: Map<string, Sighting>;
  allowlisted: Set<string>;
  graceDays: number;
  nav: PreviewNav;
}) {
  if (page.rows.length === 0) {
    return (
      <EmptyState testId="preview-empty">
        {nav.firstHref ? (
          <>
            No more orphans after this point. <Link href={nav.firstHref}>Back to the first page</Link>.
          </>
        ) : (
          "No orphan rows right now: every child row has its parent. The next sweep will chart any that appear."
        )}
      </EmptyState>
    );
  }
  const now = Date.now();
  const from = (nav.pageNumber - 1) * nav.pageSize + 1;
  return (
    <div className="space-y-2">
      <Table
        testId="orphan-preview"
        dense
        className="font-mono"
        columns={[
          { label: "Cleanup", className: "font-sans" },
          { label: "First seen", className: "font-sans" },
          ...page.columns.map((c) => ({ label: c, className: `font-mono normal-case ${page.pk.includes(c) ? "underline decoration-dotted" : ""}` })),
        ]}
      >
        {page.rows.map((r, i) => {
          const key = sightingKey(r.key);
          const seen = sightings.get(key);
          const eligibleAt = seen ? new Date(seen.firstSeen.getTime() + graceDays * DAY_MS) : null;
          const state = allowlisted.has(key) ? "allowlisted" : !seen ? "unswept" : eligibleAt!.getTime() > now ? "in-grace" : "eligible";
          return (
            <tr key={i} data-key={key} data-state={state} className={state === "allowlisted" ? "bg-zinc-50 dark:bg-zinc-900" : undefined}>
              <Td className="font-sans whitespace-nowrap">
                {state === "allowlisted" ? (
                  <StatusBadge status="neutral" testId="row-allowlisted">
                    allowlisted
                  </StatusBadge>
                ) : state === "in-grace" ? (
                  <span className="text-amber-700 dark:text-amber-400" data-testid="row-eligible-on">
                    eligible on <LocalTime date={eligibleAt!} mode="date" />
                  </span>
                ) : state === "eligible" ? (
                  <span className="text-zinc-700 dark:text-zinc-300">eligible now</span>
                ) : (
                  <span className="text-zinc-500">not yet swept</span>
                )}
              </Td>
              <Td className="font-sans whitespace-nowrap text-zinc-500">{seen ? <LocalTime date={seen.firstSeen} /> : "—"}</Td>
              {page.columns.map((c) => {
                const v = cell(r.values[c]);
                return (
                  <Td key={c} className={`whitespace-nowrap ${r.values[c] == null ? "text-zinc-400" : ""}`} title={v.full}>
                    {v.text}
                  </Td>
                );
              })}
            </tr>
          );
        })}
      </Table>
      <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="preview-pager">
        {nav.prevHref && (
          <Link href={nav.prevHref} className="btn-secondary !px-3 !py-1" data-testid="preview-prev">
            ← Previous
          </Link>
        )}
        {nav.nextHref && (
          <Link href={nav.nextHref} className="btn-secondary !px-3 !py-1" data-testid="preview-next">
            Next {nav.pageSize} →
          </Link>
        )}
        <span className="text-zinc-500" data-testid="preview-range">
          Page {nav.pageNumber}: rows {from}–{from + page.rows.length - 1}, {page.keys.length} orphan key{page.keys.length === 1 ? "" : "s"}
          {page.pk.length ? `, ordered by key, then ${page.pk.join(", ")}` : ""}.
        </span>
        {nav.firstHref && nav.pageNumber > 2 && (
          <Link href={nav.firstHref} className="text-zinc-500 underline">
            First page
          </Link>
        )}
      </div>
    </div>
  );
}
