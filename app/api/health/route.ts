/**
 * Liveness: the process answers HTTP. Public on purpose (a load balancer or systemd
 * watchdog cannot sign in) and says nothing else: no store access, no details.
 */
export const dynamic = "force-dynamic";

export function GET(): Response {
  return new Response("ok\n", { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}
