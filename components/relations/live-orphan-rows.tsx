import { OrphanPreview } from "@/components/orphan-preview";
import { eligibility } from "@/lib/cleanup/eligibility";
import type { Config } from "@/lib/config/types";
import { PREVIEW_ROWS } from "@/lib/detect/preview";
import type { Relation } from "@/lib/relations/types";
import { getStore } from "@/lib/store/web";
import { sightingsOf } from "@/lib/sightings/record";
import { previewHrefs } from "@/lib/relations/preview-pages";
import { readLive } from "./read-live";

/**
 * A page of the relation's orphan rows, read from the live targets (the one place a person
 * asks to see rows), with when a sweep first saw each key and whether a cleanup may take it.
 * Rendered under Suspense: the rest of the page does not wait for the target.
 */
export async function LiveOrphanRows({
  relation,
  targets,
  graceDays,
  after,
  back,
  href,
  version,
}: {
  relation: Relation;
  targets: Config["targets"];
  graceDays: number;
  after: string | null;
  /** the cursors of the pages before this one, oldest first ("" for the first page) */
  back: string[];
  href: (q: { after?: string; back?: string }) => string;
  /** the relation's latest scan (read-live.ts) */
  version: string;
}) {
  const { preview } = await readLive(relation, targets, after, true, version);
  if (!preview || "error" in preview) return <PreviewError message={preview?.error ?? "not read"} />;
  const store = await getStore();
  const [sightings, { allowlisted }] = await Promise.all([
    sightingsOf(store, relation.name, preview.keys),
    // grace 0: only the allowlist is asked here; grace dates come from the sightings
    eligibility(store, relation, preview.keys, 0),
  ]);
  return (
    <OrphanPreview
      page={preview}
      sightings={sightings}
      allowlisted={allowlisted}
      graceDays={graceDays}
      nav={{ ...previewHrefs(after, back, preview.next, href), pageNumber: back.length + 1, pageSize: PREVIEW_ROWS }}
    />
  );
}

export function PreviewError({ message }: { message: string }) {
  return (
    <div className="card border-red-300 p-4 text-sm text-red-700 dark:border-red-900 dark:text-red-300" data-testid="preview-error">
      Could not read the orphan rows: {message}. The counts above come from the last sweep; check the target&apos;s connection.
    </div>
  );
}
