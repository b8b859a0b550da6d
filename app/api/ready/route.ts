import { phase, readiness } from "@/lib/server/readiness";
import { serverConfig } from "@/lib/server/config";
import { getStore } from "@/lib/store/web";

/**
 * Readiness: 200 once startup finished and the store answers with every migration
 * applied; 503 with a short reason before, while stopping, or when the store is gone.
 * Public on purpose (a load balancer cannot sign in); the reason never holds an error text.
 */
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const r = await readiness({ phase: phase(), store: getStore, config: serverConfig });
  return new Response(r.ready ? "ready\n" : `not ready: ${r.reason}\n`, {
    status: r.ready ? 200 : 503,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
