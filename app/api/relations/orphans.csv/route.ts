import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { csvResponse } from "@/lib/csv";
import { exportFileName } from "@/lib/export-name";
import { latestScanOf, relationOf } from "@/lib/dashboard/relation";
import { openRelation } from "@/lib/detect/orphan-keys";
import { orphanRows } from "@/lib/detect/preview";
import { serverConfig } from "@/lib/server/config";
import { getStore } from "@/lib/store/web";
import { TargetPool } from "@/lib/targets/pool";

/** Every orphan row of a relation, streamed as CSV straight from the targets (never held in memory). */
export const GET = guardedRoute(
  { action: "orphans.export", permission: "orphans.export", query: z.object({ name: z.string().min(1).max(500) }), audit: ["name"] },
  async ({ query }) => {
    const config = serverConfig();
    const scan = await latestScanOf(await getStore(), query.name);
    if (!scan) return new Response(`No relation named ${query.name} has been scanned.`, { status: 404 });
    const relation = relationOf(scan, config);
    const pool = new TargetPool(config.targets);
    try {
      // The header is the child table's columns, from its catalog, so an export with no orphan still has one.
      const w = await openRelation(relation, pool);
      const columns = (await w.child.columns()).filter((c) => c.schema === w.childRef.schema && c.table === w.childRef.table).map((c) => c.column);
      async function* rows() {
        try {
          for await (const r of orphanRows(relation, pool)) yield columns.map((c) => r[c]);
        } finally {
          await pool.close();
        }
      }
      return csvResponse(exportFileName(`orphans-${relation.name}`, "csv"), columns, rows());
    } catch (err) {
      await pool.close();
      throw err;
    }
  },
);
