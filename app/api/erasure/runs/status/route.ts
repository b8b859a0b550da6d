import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { runStatus } from "@/lib/erasure/runs";
import { getStore } from "@/lib/store/web";

/** A bulk verification's progress, polled by the page that started it. */
export const GET = guardedRoute(
  { action: "erasure.run_status", permission: "erasure.read", query: z.object({ id: z.uuid() }), audit: ["id"], quiet: true },
  async ({ query }) => {
    const status = await runStatus(await getStore(), query.id);
    return status ? Response.json(status, { headers: { "cache-control": "no-store" } }) : new Response("No such run.", { status: 404 });
  },
);
