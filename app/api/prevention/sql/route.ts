import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { preventionProposals } from "@/lib/prevention/queries";
import { sqlFiles } from "@/lib/prevention/sql-files";

/**
 * The migration of the ready proposals (one relation's, or all) as one .sql download: its
 * statement groups in the order they must run, each headed by its own file name and comments.
 */
export const GET = guardedRoute(
  { action: "prevention.sql", permission: "relations.read", query: z.object({ relation: z.string().min(1).max(500).optional() }), audit: ["relation"] },
  async ({ query }) => {
    const files = sqlFiles(await preventionProposals(query.relation ? [query.relation] : []));
    const body = files.length ? files.map((f) => `-- ==== ${f.name} ====\n${f.content}`).join("\n") : "-- No proposal is ready: nothing to migrate.\n";
    const name = `prevention-${query.relation ?? "all"}-${new Date().toISOString().slice(0, 10)}.sql`.replace(/[^A-Za-z0-9._-]/g, "_");
    return new Response(body, { headers: { "content-type": "application/sql; charset=utf-8", "content-disposition": `attachment; filename="${name}"` } });
  },
);
