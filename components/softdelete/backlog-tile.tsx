import { Tile } from "@/components/tile";
import { formatNumber } from "@/lib/format";
import type { Backlog } from "@/lib/softdelete/backlog";

/**
 * The overview's soft-delete tile: rows waiting past grace for their purge, over every
 * soft-delete table. `linked`: the reader may open /soft-deletes (softdeletes.read).
 */
export function SoftDeleteBacklogTile({ backlog, linked = true }: { backlog: Backlog; linked?: boolean }) {
  const note =
    backlog.gauges.length === 0
      ? "no soft-delete table configured"
      : backlog.errors
        ? `${backlog.errors} table${backlog.errors === 1 ? "" : "s"} could not be read`
        : backlog.alerts
          ? `over the alert threshold on ${backlog.alerts} table${backlog.alerts === 1 ? "" : "s"}`
          : `${formatNumber(backlog.deleted)} soft-deleted in all`;
  return (
    <Tile
      label="Soft-delete backlog (past grace)"
      value={backlog.gauges.length ? formatNumber(backlog.pending) : "—"}
      note={note}
      tone={backlog.alerts || backlog.errors ? "bad" : undefined}
      href={linked ? "/soft-deletes" : undefined}
      testId="softdelete-backlog"
    />
  );
}
