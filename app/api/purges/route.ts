import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { getStore } from "@/lib/store/web";
import { purgeStatus, recentPurges } from "@/lib/softdelete/purge-control";

/** Purge jobs' progress, polled by their pages: one job (`?id=`), or the latest ten. */
export const GET = guardedRoute(
  { action: "purges.status", permission: "jobs.read", query: z.object({ id: z.uuid().optional() }), audit: ["id"], quiet: true },
  async ({ query }) => {
    const store = await getStore();
    const headers = { "cache-control": "no-store" };
    if (!query.id) return Response.json(await recentPurges(store), { headers });
    const status = await purgeStatus(store, query.id);
    return status ? Response.json(status, { headers }) : new Response("No such purge job.", { status: 404 });
  },
);
