import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { getStore } from "@/lib/store/web";
import { figuresVersion } from "@/lib/sweeps/version";

/** The stored figures' version, polled by the pages that show them (components/ui/live-figures.tsx). */
export const GET = guardedRoute({ action: "figures.version", permission: "overview.read", query: z.object({}), quiet: true }, async () =>
  Response.json({ version: await figuresVersion(await getStore()) }, { headers: { "cache-control": "no-store" } }),
);
