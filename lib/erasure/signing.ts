import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "../store/paths";
import { UserError } from "../errors/user-error";

/**
 * The evidence key: Ed25519, kept outside the store. Each evidence record's hash is signed
 * with it, so whoever can write the store (its own role, a DBA) can no longer rewrite the
 * chain and recompute the hashes: the signatures would not match. `CUSTODIAN_EVIDENCE_KEY`
 * (PEM, or base64 of the PKCS#8 DER) when set. Else, with the embedded store only, a key
 * generated on first start into the data folder (`evidence-key.pem`, readable by its owner
 * only), like the cookie secret. With a PostgreSQL store (DATABASE_URL) none is ever
 * generated: the web process and every worker and CLI on other hosts must sign with one
 * key, and a data folder is per machine. The store records which key signs (store-key.ts).
 */
export const EVIDENCE_KEY_FILE = "evidence-key.pem";

/** What is signed: the record's hash, with a label so the signature means nothing elsewhere. */
const signedText = (hash: string) => Buffer.from(`custodian-evidence-v1:${hash}`, "utf8");

export class EvidenceKeyError extends UserError {
  constructor(message: string) {
    super("usage", message);
  }
}

export interface EvidenceKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Where it came from, for messages (never the key itself). */
  source: string;
}

type Env = Record<string, string | undefined>;

const cache = new Map<string, EvidenceKey>();

/** Why no key may be generated here: a PostgreSQL store is shared by processes on several hosts. */
function missingKeyMessage(env: Env): string {
  const file = path.join(dataDir(env), EVIDENCE_KEY_FILE);
  const found = existsSync(file) ? ` (this machine has ${file}: if it signed the chain, export CUSTODIAN_EVIDENCE_KEY="$(cat ${file})")` : "";
  return (
    "CUSTODIAN_EVIDENCE_KEY is not set: with a PostgreSQL store (DATABASE_URL) every process that files evidence " +
    "(web, custodian worker, the CLI) must sign with the same Ed25519 key, so none is generated; " +
    `set CUSTODIAN_EVIDENCE_KEY to the key that signs the chain (openssl genpkey -algorithm ed25519)${found}`
  );
}

/** The signing key; generated into the data folder when neither the variable nor the file exists (embedded store only). */
export function evidenceKey(env: Env = process.env): EvidenceKey {
  const given = env.CUSTODIAN_EVIDENCE_KEY?.trim();
  if (!given && env.DATABASE_URL) throw new EvidenceKeyError(missingKeyMessage(env));
  const file = path.join(dataDir(env), EVIDENCE_KEY_FILE);
  const id = given ? `env:${given}` : `file:${file}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const key = given ? { ...fromPrivate(parsePrivateKey(given, "CUSTODIAN_EVIDENCE_KEY")), source: "CUSTODIAN_EVIDENCE_KEY" } : fromFile(file, true)!;
  cache.set(id, key);
  return key;
}

/**
 * The key to check signatures with when no public key is given: the one at hand, never a
 * new one. With a PostgreSQL store only CUSTODIAN_EVIDENCE_KEY counts (a data folder's
 * file is this machine's, not the chain's).
 */
export function existingEvidenceKey(env: Env = process.env): EvidenceKey | null {
  if (env.CUSTODIAN_EVIDENCE_KEY?.trim()) return evidenceKey(env);
  if (env.DATABASE_URL) return null;
  return fromFile(path.join(dataDir(env), EVIDENCE_KEY_FILE), false);
}

function fromFile(file: string, create: boolean): EvidenceKey | null {
  if (!existsSync(file)) {
    if (!create) return null;
    mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync("ed25519");
    try {
      writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
    } catch (err) {
      // another process wrote it first: use theirs
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return { ...fromPrivate(parsePrivateKey(readFileSync(file, "utf8"), file)), source: file };
}

function fromPrivate(privateKey: KeyObject) {
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** A PEM private key, or base64 of its PKCS#8 DER; Ed25519 only. */
export function parsePrivateKey(text: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    const trimmed = text.trim();
    key = trimmed.startsWith("-----BEGIN")
      ? createPrivateKey(trimmed)
      : createPrivateKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "pkcs8" });
  } catch (err) {
    throw new EvidenceKeyError(`${where}: not a PEM or base64 PKCS#8 private key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new EvidenceKeyError(`${where}: an Ed25519 key is needed, this is ${key.asymmetricKeyType}`);
  return key;
}

/** A PEM public key (what /api/erasure/public-key.pem gives), Ed25519 only. */
export function parsePublicKey(text: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(text.trim());
  } catch (err) {
    throw new EvidenceKeyError(`${where}: not a PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new EvidenceKeyError(`${where}: an Ed25519 key is needed, this is ${key.asymmetricKeyType}`);
  return key;
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: "spki", format: "pem" }).toString();
}

/** sha256 of the raw 32-byte public key, hex in groups of four: what a person compares. */
export function keyFingerprint(publicKey: KeyObject): string {
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  return createHash("sha256").update(raw).digest("hex").match(/.{4}/g)!.join(" ");
}

export function signHash(key: EvidenceKey, hash: string): string {
  return sign(null, signedText(hash), key.privateKey).toString("base64");
}

export function signatureHolds(publicKey: KeyObject, hash: string, signature: string): boolean {
  try {
    return verify(null, signedText(hash), publicKey, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}
