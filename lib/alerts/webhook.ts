import { alertDetail } from "./describe";

/**
 * Posts an alert to the configured webhook (Slack-compatible: a `text` line beside the
 * fields). Returns the failure, never throws: an unreachable webhook must not fail a sweep.
 * The URL may carry a token; it is never logged.
 */
export async function notifyWebhook(url: string, body: Record<string, unknown>, fetchImpl: typeof fetch = fetch): Promise<string | null> {
  const text =
    body.event === "fired"
      ? `Custodian: ${body.relation}: ${alertDetail({ relation: String(body.relation), kind: String(body.kind), threshold: Number(body.threshold), value: Number(body.value) })}`
      : `Custodian: ${body.relation} is back under its ${body.kind} threshold`;
  return postWebhook(url, { text, ...body }, fetchImpl);
}

/** POSTs one JSON document to the webhook; the failure, or null. Never throws, never logs the URL. */
export async function postWebhook(url: string, doc: Record<string, unknown>, fetchImpl: typeof fetch = fetch): Promise<string | null> {
  try {
    const res = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(doc),
      signal: AbortSignal.timeout(5000),
    });
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (err) {
    return (err as Error).name === "TimeoutError" ? "timed out after 5 s" : ((err as Error).message ?? String(err));
  }
}
