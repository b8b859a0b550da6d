import type { ErasureEvidence } from "../../generated/prisma/client";
import { postWebhook } from "../alerts/webhook";
import { verifyAuditChain, type AuditChainReport } from "../audit/chain";
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

/** Publishes the audit trail's head (or that it is broken), after a walk of its chain. */
export function publishAuditChain(url: string, report: AuditChainReport, fetchImpl: typeof fetch = fetch): Promise<string | null> {
  const text = report.ok
    ? `Custodian: the audit trail's chain holds: ${report.records} events, head ${report.head}`
    : `Custodian: the audit trail's chain is BROKEN${report.broken?.id ? ` at event #${report.broken.id}` : ""}: ${report.broken?.reason}`;
  return postWebhook(
    url,
    {
      text,
      event: "audit_chain",
      holds: report.ok,
      records: report.records,
      head: report.head,
      ...(report.broken?.id ? { brokenAt: Number(report.broken.id) } : {}),
      ...(report.broken ? { reason: report.broken.reason } : {}),
      at: new Date().toISOString(),
    },
    fetchImpl,
  );
}

/**
 * After a bulk verification (on demand or nightly): walk both chains and, when the config
 * has an alert webhook, publish their heads (or that one is broken). Never throws: the run
 * is done. Returns the evidence chain's report.
 */
export async function verifyAndPublishHead(
  store: Store,
  config: Config,
  log: (line: string) => void,
  fetchImpl: typeof fetch = fetch,
): Promise<ChainReport | null> {
  const url = config.alerts.webhook;
  if (!url) return null;
  let report: ChainReport | null = null;
  try {
    const key = existingEvidenceKey(store.env ?? process.env);
    report = await verifyChain(store, { publicKey: key?.publicKey ?? null });
    const error = await publishChainHead(url, report, key ? keyFingerprint(key.publicKey) : null, fetchImpl);
    if (error) log(`publishing the evidence head to the alert webhook failed: ${error}`);
    if (!report.ok) log(`the evidence chain does not hold: ${report.broken?.reason}`);
  } catch (err) {
    log(`verifying the evidence chain failed: ${(err as Error)?.message ?? err}`);
  }
  try {
    const audit = await verifyAuditChain(store);
    const error = await publishAuditChain(url, audit, fetchImpl);
    if (error) log(`publishing the audit head to the alert webhook failed: ${error}`);
    if (!audit.ok) log(`the audit trail's chain does not hold: ${audit.broken?.reason}`);
  } catch (err) {
    log(`verifying the audit trail's chain failed: ${(err as Error)?.message ?? err}`);
  }
  return report;
}

/**
 * After a single verification (the page's "Verify", `custodian verify-erasure`): publish
 * the record just filed as the evidence head, with the audit trail's newest hash, when the
 * config has an alert webhook. No walk (a click must stay quick): the record was signed a
 * moment ago by this process, and the nightly run and verify-evidence walk the whole chain.
 * Never throws: the evidence is filed.
 */
export async function publishNewHeads(
  store: Store,
  config: Config,
  evidence: Pick<ErasureEvidence, "id" | "hash">,
  log: (line: string) => void,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  const url = config.alerts.webhook;
  if (!url) return;
  try {
    const key = existingEvidenceKey(store.env ?? process.env);
    const audit = await store.prisma.auditEvent.findFirst({ where: { hash: { not: null } }, orderBy: { id: "desc" }, select: { id: true, hash: true } });
    const error = await postWebhook(
      url,
      {
        text: `Custodian: evidence #${evidence.id} filed, evidence head ${evidence.hash}` + (audit ? `, audit head ${audit.hash}` : ""),
        event: "evidence_head",
        evidenceId: Number(evidence.id),
        head: evidence.hash,
        publicKeyFingerprint: key ? keyFingerprint(key.publicKey) : null,
        ...(audit ? { auditEventId: Number(audit.id), auditHead: audit.hash } : {}),
        at: new Date().toISOString(),
      },
      fetchImpl,
    );
    if (error) log(`publishing the evidence head to the alert webhook failed: ${error}`);
  } catch (err) {
    log(`publishing the evidence head failed: ${(err as Error)?.message ?? err}`);
  }
}
