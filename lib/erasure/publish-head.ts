import { postWebhook } from "../alerts/webhook";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { verifyChain, type ChainReport } from "./evidence";
import { existingEvidenceKey, keyFingerprint } from "./signing";

/**
 * Publishes the evidence chain's head to the alert webhook after a verification: a copy
 * outside the store, so removing the newest records (which leaves a shorter chain that
 * still holds) is caught by `verify-evidence --expect-head <a published head>`.
 */
export function publishChainHead(url: string, report: ChainReport, fingerprint: string | null, fetchImpl: typeof fetch = fetch): Promise<string | null> {
  const text = report.ok
    ? `Custodian: the evidence chain holds: ${report.records} records, head ${report.head}`
    : `Custodian: the evidence chain is BROKEN${report.broken?.id ? ` at record #${report.broken.id}` : ""}: ${report.broken?.reason}`;
  return postWebhook(
    url,
    {
      text,
      event: "evidence_chain",
      holds: report.ok,
      records: report.records,
      head: report.head,
      ...(report.broken?.id ? { brokenAt: Number(report.broken.id) } : {}),
      ...(report.broken ? { reason: report.broken.reason } : {}),
      publicKeyFingerprint: fingerprint,
      at: new Date().toISOString(),
    },
    fetchImpl,
  );
}

/**
 * After a bulk verification (on demand or nightly): walk the chain and, when the config has
 * an alert webhook, publish its head (or that it is broken). Never throws: the run is done.
 */
export async function verifyAndPublishHead(store: Store, config: Config, log: (line: string) => void, fetchImpl: typeof fetch = fetch): Promise<ChainReport | null> {
  const url = config.alerts.webhook;
  if (!url) return null;
  try {
    const key = existingEvidenceKey(store.env ?? process.env);
    const report = await verifyChain(store, { publicKey: key?.publicKey ?? null });
    const error = await publishChainHead(url, report, key ? keyFingerprint(key.publicKey) : null, fetchImpl);
    if (error) log(`publishing the evidence head to the alert webhook failed: ${error}`);
    if (!report.ok) log(`the evidence chain does not hold: ${report.broken?.reason}`);
    return report;
  } catch (err) {
    log(`verifying the evidence chain failed: ${(err as Error)?.message ?? err}`);
    return null;
  }
}
