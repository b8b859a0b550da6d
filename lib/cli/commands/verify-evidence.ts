import { existsSync, readFileSync } from "node:fs";
import type { KeyObject } from "node:crypto";
import type { Config } from "../../config/types";
import { verifyChain, type ChainReport } from "../../erasure/evidence";
import { publishChainHead } from "../../erasure/publish-head";
import { existingEvidenceKey, keyFingerprint, parsePublicKey } from "../../erasure/signing";
import { openStore } from "../../store/client";
import { EXIT, type Output } from "../io";
import { usageError } from "../../errors/user-error";

export interface VerifyEvidenceOptions {
  /** The config, when one was given or found: its alert webhook gets the head. */
  config: Config | null;
  publicKeyFile?: string;
  expectHead?: string;
}

/** What `--json` prints: the contract scripts depend on. */
export interface VerifyEvidenceResult {
  holds: boolean;
  records: number;
  head: string;
  brokenAt?: number;
  reason?: string;
}

export function resultOf(report: ChainReport): VerifyEvidenceResult {
  return {
    holds: report.ok,
    records: report.records,
    head: report.head,
    ...(report.broken?.id ? { brokenAt: Number(report.broken.id) } : {}),
    ...(report.broken ? { reason: report.broken.reason } : {}),
  };
}

/**
 * `custodian verify-evidence [--public-key FILE] [--expect-head HASH]`: walks the evidence
 * chain checking hashes, links and signatures; with --expect-head, that a head written down
 * earlier is still in it. Exit 1 when it does not hold. The head goes to the alert webhook.
 */
export async function verifyEvidenceCommand(out: Output, opts: VerifyEvidenceOptions): Promise<number> {
  if (opts.expectHead !== undefined && !/^[0-9a-f]{64}$/.test(opts.expectHead)) {
    throw usageError("--expect-head must be a record hash: 64 lowercase hex characters");
  }
  let publicKey: KeyObject | null = null;
  if (opts.publicKeyFile !== undefined) {
    if (!existsSync(opts.publicKeyFile)) throw usageError(`--public-key ${opts.publicKeyFile}: file not found`);
    publicKey = parsePublicKey(readFileSync(opts.publicKeyFile, "utf8"), `--public-key ${opts.publicKeyFile}`);
  } else {
    publicKey = existingEvidenceKey()?.publicKey ?? null;
  }
  const store = await openStore({ purpose: "custodian verify-evidence" });
  let report: ChainReport;
  try {
    report = await verifyChain(store, { publicKey, expectHead: opts.expectHead });
  } finally {
    await store.close();
  }
  const webhook = opts.config?.alerts.webhook;
  if (webhook) {
    const error = await publishChainHead(webhook, report, publicKey ? keyFingerprint(publicKey) : null);
    if (error) out.progress(`custodian: publishing the head to the alert webhook failed: ${error}`);
  }
  const result = resultOf(report);
  out.result(result, () => {
    const key = publicKey ? ` Signatures checked with key ${keyFingerprint(publicKey)}.` : "";
    if (report.ok) {
      const legacy = report.unsignedBefore ? ` Records before #${report.unsignedBefore} were written before signing; that record's signature covers them.` : "";
      return `The evidence chain holds: ${report.records} records, head ${report.head}.${key}${legacy}`;
    }
    if (!report.broken!.id) return `DOES NOT HOLD: ${report.broken!.reason}. ${report.records} records, head ${report.head}.`;
    return `BROKEN at evidence #${report.broken!.id}: ${report.broken!.reason}. ${report.records} records before it hold (last good hash ${report.head}).${key}`;
  });
  return report.ok ? EXIT.ok : EXIT.failed;
}
