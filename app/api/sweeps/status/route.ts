import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { getStore } from "@/lib/store/web";
import { sweepStatus } from "@/lib/sweeps/status";

/** A sweep's progress, polled by the page that started it. */
export const GET = guardedRoute(
  { action: "sweeps.status", permission: "overview.read", query: z.object({ id: z.uuid() }), audit: ["id"], quiet: true },
  async ({ query }) => {
    const status = await sweepStatus(await getStore(), query.id);
    return status ? Response.json(status, { headers: { "cache-control": "no-store" } }) : new Response("No such sweep.", { status: 404 });
  },
);
