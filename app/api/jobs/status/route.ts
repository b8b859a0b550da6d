import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { cleanupStatus } from "@/lib/cleanup/status";
import { getStore } from "@/lib/store/web";

/** A cleanup job's progress, polled by its page. */
export const GET = guardedRoute(
  { action: "jobs.status", permission: "jobs.read", query: z.object({ id: z.uuid() }), audit: ["id"], quiet: true },
  async ({ query }) => {
    const status = await cleanupStatus(await getStore(), query.id);
    return status ? Response.json(status, { headers: { "cache-control": "no-store" } }) : new Response("No such job.", { status: 404 });
  },
);
