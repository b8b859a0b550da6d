import { cache } from "react";
import type { Config } from "@/lib/config/types";
import { orphanPreview, type OrphanPreviewPage } from "@/lib/detect/preview";
import { relationStatements } from "@/lib/detect/statements";
import type { Relation } from "@/lib/relations/types";
import { TargetPool } from "@/lib/targets/pool";

/** Many people on one relation page at once share one read of each page for this long. */
const PREVIEW_SHARED_MS = 5000;

export interface LiveRead {
  statements: { purpose: string; sql: string }[];
  /** null when the reader may not see rows */
  preview: OrphanPreviewPage | { error: string } | null;
}

/**
 * The relation page's one visit to the live targets: its statements, then (for those who may
 * see rows) a page of orphan rows, through one pool closed at the end. Cached for the request,
 * so the two parts of the page that show it share one read: an embedded target (PGlite,
 * SQLite) must not be opened twice at once. `version` is the relation's latest scan: a read
 * shared between viewers is not reused across a change that rescanned the relation.
 */
export const readLive = cache(
  async (relation: Relation, targets: Config["targets"], after: string | null, mayPreview: boolean, version: string): Promise<LiveRead> => {
    const pool = new TargetPool(targets, { use: "reads" });
    try {
      const statements = await relationStatements(relation, pool).catch(() => []);
      if (!mayPreview) return { statements, preview: null };
      try {
        return { statements, preview: await orphanPreview(relation, pool, { after, sharedForMs: PREVIEW_SHARED_MS, version }) };
      } catch (err) {
        return { statements, preview: { error: (err as Error).message } };
      }
    } finally {
      await pool.close();
    }
  },
);
