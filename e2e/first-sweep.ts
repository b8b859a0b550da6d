/**
 * Playwright global setup: the server serves at once and, beside it, replays the demo's last
 * month (its last sweep is "now") or sweeps (lib/server/startup.ts). The tests expect the
 * demo's numbers of today, so they wait here for a completed sweep of the last hour. It asks
 * the metrics endpoint with the token e2e/server.ts gives the server.
 */
export const E2E_METRICS_TOKEN = "e2e-metrics-token";

const RECENT_S = 3600;

export default async function waitForFirstSweep(): Promise<void> {
  const base = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100)}`;
  const deadline = Date.now() + 900_000;
  for (;;) {
    const res = await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${E2E_METRICS_TOKEN}` } }).catch(() => null);
    const text = res?.ok ? await res.text() : "";
    const last = Number(/^custodian_last_sweep_timestamp_seconds (\d+)/m.exec(text)?.[1] ?? 0);
    if (last > Date.now() / 1000 - RECENT_S) return;
    if (Date.now() > deadline) throw new Error(`the server's demo replay or first sweep did not complete within 900 s (last answer: ${res?.status ?? "none"})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
