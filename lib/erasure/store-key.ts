import type { Prisma } from "../../generated/prisma/client";
import type { Store } from "../store/client";
import { evidenceKey, EvidenceKeyError, keyFingerprint, publicKeyPem, signatureHolds, type EvidenceKey } from "./signing";

/**
 * Which key signs the evidence chain is recorded in the store at the first signature
 * (`evidence_signing_key`, one row, append-only). A process holding another key (a worker
 * on another host that generated its own, a CLI run with the wrong variable) refuses to
 * sign instead of adding records that `verify-evidence --public-key <published key>` would
 * call broken. The record is a guard against mistakes, not against a hostile store writer:
 * that one is stopped by the signatures themselves.
 */
export class EvidenceKeyMismatchError extends EvidenceKeyError {}

type Tx = Prisma.TransactionClient;

function mismatch(mine: string, theirs: string): EvidenceKeyMismatchError {
  return new EvidenceKeyMismatchError(
    `this process's evidence key ${mine} is not the store's ${theirs}: set CUSTODIAN_EVIDENCE_KEY to the key that signed the chain`,
  );
}

/**
 * This process's evidence key, checked against the one the store recorded (read only): called
 * before a verification starts, so a missing or wrong key stops it before anything is stored.
 */
export async function signingKey(store: Store): Promise<EvidenceKey> {
  const key = evidenceKey(store.env ?? process.env);
  const recorded = await store.prisma.evidenceSigningKey.findUnique({ where: { id: 1 }, select: { fingerprint: true } });
  const mine = keyFingerprint(key.publicKey);
  if (recorded && recorded.fingerprint !== mine) throw mismatch(mine, recorded.fingerprint);
  return key;
}

/**
 * Inside the evidence append, under the chain's lock: the store's key must be this one, or,
 * at the first signature, becomes this one. A chain signed before the key was recorded
 * (earlier versions) is claimed only by the key its newest signature verifies with.
 */
export async function claimSigningKey(tx: Tx, key: EvidenceKey): Promise<void> {
  const mine = keyFingerprint(key.publicKey);
  const recorded = await tx.evidenceSigningKey.findUnique({ where: { id: 1 }, select: { fingerprint: true } });
  if (recorded) {
    if (recorded.fingerprint !== mine) throw mismatch(mine, recorded.fingerprint);
    return;
  }
  const signed = await tx.erasureEvidence.findFirst({
    where: { signature: { not: null } },
    orderBy: { id: "desc" },
    select: { id: true, hash: true, signature: true },
  });
  if (signed && !signatureHolds(key.publicKey, signed.hash, signed.signature!)) {
    throw new EvidenceKeyMismatchError(
      `this process's evidence key ${mine} did not sign the chain (evidence #${signed.id} does not verify with it): set CUSTODIAN_EVIDENCE_KEY to the key that signed the chain`,
    );
  }
  await tx.evidenceSigningKey.create({ data: { id: 1, fingerprint: mine, publicKey: publicKeyPem(key.publicKey) } });
}

/** The fingerprint the store recorded, or null before the first signature. */
export async function storeKeyFingerprint(store: Store): Promise<string | null> {
  return (await store.prisma.evidenceSigningKey.findUnique({ where: { id: 1 }, select: { fingerprint: true } }))?.fingerprint ?? null;
}

export interface ShownKey {
  /** The key that signs (this process's, when it may sign; else the one the store recorded). */
  fingerprint: string | null;
  /** Why this process cannot sign (no key, another key than the store's), shown to people. */
  problem: string | null;
}

/** What the pages show: the signing key's fingerprint, or why evidence cannot be signed here. */
export async function shownEvidenceKey(store: Store): Promise<ShownKey> {
  try {
    return { fingerprint: keyFingerprint((await signingKey(store)).publicKey), problem: null };
  } catch (err) {
    if (!(err instanceof EvidenceKeyError)) throw err;
    return { fingerprint: await storeKeyFingerprint(store), problem: err.message };
  }
}
