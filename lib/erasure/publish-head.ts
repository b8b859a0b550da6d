import { postWebhook } from "../alerts/webhook";
import type { ChainReport } from "./evidence";

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
