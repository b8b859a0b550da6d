import { verifyAuditChain } from "../../audit/chain";
import type { Config } from "../../config/types";
import { publishAuditChain } from "../../erasure/publish-head";
import { openStore } from "../../store/client";
import { EXIT, type Output } from "../io";
import { usageError } from "../../errors/user-error";

/**
 * `custodian verify-audit [--expect-head HASH]`: walks the audit trail's hash chain; exit 1
 * when an event was removed or altered (or the head written down earlier is gone). Prints
 * `{ holds, records, head, brokenAt?, reason? }` under --json, like verify-evidence. The head
 * goes to the config's alert webhook, like verify-evidence's.
 */
export async function verifyAuditCommand(out: Output, opts: { config: Config | null; expectHead?: string }): Promise<number> {
  if (opts.expectHead !== undefined && !/^[0-9a-f]{64}$/.test(opts.expectHead)) {
    throw usageError("--expect-head must be an event hash: 64 lowercase hex characters");
  }
  const store = await openStore({ purpose: "custodian verify-audit" });
  let report;
  try {
    report = await verifyAuditChain(store, { expectHead: opts.expectHead });
  } finally {
    await store.close();
  }
  const webhook = opts.config?.alerts.webhook;
  if (webhook) {
    const error = await publishAuditChain(webhook, report);
    if (error) out.progress(`custodian: publishing the head to the alert webhook failed: ${error}`);
  }
  const doc = {
    holds: report.ok,
    records: report.records,
    head: report.head,
    ...(report.broken?.id ? { brokenAt: Number(report.broken.id) } : {}),
    ...(report.broken ? { reason: report.broken.reason } : {}),
  };
  out.result(doc, () =>
    report.ok
      ? `The audit trail's chain holds: ${report.records} events, head ${report.head}.`
      : report.broken!.id
        ? `BROKEN at audit event #${report.broken!.id}: ${report.broken!.reason}. ${report.records} events before it hold (last good hash ${report.head}).`
        : `DOES NOT HOLD: ${report.broken!.reason}. ${report.records} events, head ${report.head}.`,
  );
  return report.ok ? EXIT.ok : EXIT.failed;
}
