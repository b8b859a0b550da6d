import { OrphanPreview } from "@/components/orphan-preview";
import type { Config } from "@/lib/config/types";
import type { Relation } from "@/lib/relations/types";
import { getStore } from "@/lib/store/web";
import { sightingsOf } from "@/lib/sightings/record";
import { readLive } from "./read-live";

/**
 * A page of the relation's orphan rows, read from the live targets (the one place a person
 * asks to see rows), with when a sweep first saw each key. Rendered under Suspense: the rest
 * of the page does not wait for the target.
 */
export async function LiveOrphanRows({
  relation,
  targets,
  after,
  href,
}: {
  relation: Relation;
  targets: Config["targets"];
  after: string | null;
  href: (after?: string) => string;
}) {
  const { preview } = await readLive(relation, targets, after, true);
  if (!preview || "error" in preview) return <PreviewError message={preview?.error ?? "not read"} />;
  const sightings = await sightingsOf(await getStore(), relation.name, preview.keys);
  return <OrphanPreview page={preview} sightings={sightings} nextHref={preview.next ? href(preview.next) : null} firstHref={after ? href() : null} />;
}

export function PreviewError({ message }: { message: string }) {
  return (
    <div className="card border-red-300 p-4 text-sm text-red-700 dark:border-red-900 dark:text-red-300" data-testid="preview-error">
      Could not read the orphan rows: {message}. The counts above come from the last sweep; check the target&apos;s connection.
    </div>
  );
}
