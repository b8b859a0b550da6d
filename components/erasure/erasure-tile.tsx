import { Tile } from "@/components/tile";
import type { RequestState } from "@/lib/erasure/requests";
import { formatNumber } from "@/lib/format";

/** Overview tile: "erasures verified: N complete / M incomplete" (data: erasureCounts in lib/erasure/requests.ts). */
export function ErasureTile({ counts }: { counts: Record<RequestState, number> }) {
  const waiting = counts.pending + counts.failed;
  const none = waiting + counts.complete + counts.incomplete === 0;
  return (
    <Tile
      label="Erasures verified"
      value={`${formatNumber(counts.complete)} complete / ${formatNumber(counts.incomplete)} incomplete`}
      testId="erasure-tile"
      href={counts.incomplete ? "/erasure?state=incomplete" : "/erasure"}
      tone={counts.incomplete ? "bad" : undefined}
      note={
        none
          ? "no erasure requests yet"
          : counts.incomplete
            ? "data left behind: see what remains"
            : waiting
              ? `${formatNumber(waiting)} not verified yet`
              : "every request verified"
      }
    />
  );
}
