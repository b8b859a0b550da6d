import { z } from "zod";
import { guardedRoute } from "@/lib/auth/guard";
import { metricsText } from "@/lib/dashboard/metrics";
import { getStore } from "@/lib/store/web";

/** Prometheus scrape target: a signed-in session, or `Authorization: Bearer $CUSTODIAN_METRICS_TOKEN`. */
export const GET = guardedRoute(
  { action: "metrics.read", permission: "overview.read", query: z.object({}), quiet: true, bearerTokenEnv: "CUSTODIAN_METRICS_TOKEN" },
  async () =>
    new Response(await metricsText(await getStore()), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
    }),
);
