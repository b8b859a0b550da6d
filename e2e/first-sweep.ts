/**
 * Playwright global setup: the server serves at once and sweeps beside it (lib/server/startup.ts),
 * so the tests, which expect the demo's numbers, wait here for the startup sweep to complete.
 * It asks the metrics endpoint with the token e2e/server.ts gives the server.
 */
export const E2E_METRICS_TOKEN = "e2e-metrics-token";

export default async function waitForFirstSweep(): Promise<void> {
  const base = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100)}`;
  const deadline = Date.now() + 600_000;
  for (;;) {
    const res = await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${E2E_METRICS_TOKEN}` } }).catch(() => null);
    if (res?.ok && (await res.text()).includes("custodian_last_sweep_timestamp_seconds")) return;
    if (Date.now() > deadline) throw new Error(`the server's first sweep did not complete within 600 s (last answer: ${res?.status ?? "none"})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
