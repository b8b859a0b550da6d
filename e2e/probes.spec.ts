import { expect, test } from "@playwright/test";

/**
 * The load balancer's probes on the real server (built, started by scripts/start.ts):
 * reachable without signing in, past the proxy, with nothing but a word in the body.
 */
test("/api/health answers ok and /api/ready answers ready to a caller who is not signed in", async ({ request }) => {
  const health = await request.get("/api/health", { maxRedirects: 0 });
  expect({ status: health.status(), body: await health.text(), cache: health.headers()["cache-control"] }).toEqual({
    status: 200,
    body: "ok\n",
    cache: "no-store",
  });
  // the proxy still gives it a request id, for the logs
  expect(health.headers()["x-request-id"]).toMatch(/^[\w.-]{8,100}$/);

  const ready = await request.get("/api/ready", { maxRedirects: 0 });
  expect({ status: ready.status(), body: await ready.text() }).toEqual({ status: 200, body: "ready\n" });
});
