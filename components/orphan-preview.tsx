import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td } from "@/components/ui/table";
import type { OrphanPreviewPage } from "@/lib/detect/preview";
import { formatRelative } from "@/lib/format";
import type { Sighting } from "@/lib/sightings/record";
import { sightingKey } from "@/lib/sightings/record";

const MAX_CELL = 80;

function cell(v: unknown): { text: string; full?: string } {
  if (v == null) return { text: "NULL" };
  const s = v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? `\\x${v.toString("hex")}` : typeof v === "object" ? JSON.stringify(v) : String(v);
  return s.length > MAX_CELL ? { text: `${s.slice(0, MAX_CELL)}…`, full: s } : { text: s };
}

/** The orphan rows themselves, with when each key was first seen by a sweep. */
export function OrphanPreview({
  page,
  sightings,
  nextHref,
  firstHref,
}: {
  page: OrphanPreviewPage;
  sightings: Map<string, Sighting>;
  nextHref: string | null;
  firstHref: string | null;
}) {
  if (page.rows.length === 0) {
    return (
      <EmptyState testId="preview-empty">
        {firstHref ? "No more orphans after this point." : "No orphan rows right now: every child row has its parent."}
      </EmptyState>
    );
  }
  return (
    <div className="space-y-2">
      <Table
        testId="orphan-preview"
        dense
        className="font-mono"
        columns={[{ label: "First seen", className: "font-sans" }, ...page.columns.map((c) => ({ label: c, className: "font-mono normal-case" }))]}
      >
        {page.rows.map((r, i) => {
          const seen = sightings.get(sightingKey(r.key));
          return (
            <tr key={i} data-key={sightingKey(r.key)}>
              <Td className="font-sans whitespace-nowrap text-zinc-500" title={seen?.firstSeen.toISOString()}>
                {seen ? formatRelative(seen.firstSeen) : "not yet swept"}
              </Td>
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
      <div className="flex items-center gap-3 text-sm">
        {firstHref && (
          <Link href={firstHref} className="btn-secondary !px-3 !py-1">
            First page
          </Link>
        )}
        {nextHref && (
          <Link href={nextHref} className="btn-secondary !px-3 !py-1" data-testid="preview-next">
            Next orphans
          </Link>
        )}
        <span className="text-zinc-500">
          {page.keys.length} orphan key{page.keys.length === 1 ? "" : "s"} on this page
          {page.truncated ? `; the first ${page.rows.length} rows shown` : ""}.
        </span>
      </div>
    </div>
  );
}
