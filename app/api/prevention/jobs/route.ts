import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { preventionStatus } from "@/lib/prevention/jobs";
import { getStore } from "@/lib/store/web";

/** One constraint job's progress, polled by its page. */
export const GET = guardedRoute(
  { action: "prevention.status", permission: "jobs.read", query: z.object({ id: z.uuid() }), audit: ["id"], quiet: true },
  async ({ query }) => {
    const status = await preventionStatus(await getStore(), query.id);
    return status ? Response.json(status, { headers: { "cache-control": "no-store" } }) : new Response("No such constraint job.", { status: 404 });
  },
);
