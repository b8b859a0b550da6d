import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, type Store } from "../lib/store/client";
import { hasPostgres, POSTGRES_URL, postgresAdmin } from "./services";

/**
 * A fresh store of each kind Custodian runs on: the embedded PGlite one (a temporary data
 * folder) and, when the machine has it, a real PostgreSQL (a temporary database).
 */
export interface StoreKind {
  name: string;
  available: boolean;
  /** A new, migrated, empty store; `env` is what the store was opened with (for code that reads it). */
  open(): Promise<{ store: Store; env: Record<string, string>; dispose(): Promise<void> }>;
}

export const STORE_KINDS: StoreKind[] = [
  {
    name: "PGlite",
    available: true,
    async open() {
      const dir = mkdtempSync(path.join(tmpdir(), "custodian-test-store-"));
      const env = { CUSTODIAN_DATA_DIR: dir };
      const store = await openStore({ env, purpose: "a test" });
      return {
        store,
        env,
        async dispose() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "PostgreSQL",
    available: hasPostgres,
    async open() {
      const database = `custodian_test_${randomBytes(4).toString("hex")}`;
      await postgresAdmin(`CREATE DATABASE ${database}`);
      const u = new URL(POSTGRES_URL);
      u.pathname = `/${database}`;
      const dir = mkdtempSync(path.join(tmpdir(), "custodian-test-data-"));
      // a PostgreSQL store never generates an evidence key: the processes sharing it are given one
      const env = { DATABASE_URL: u.toString(), CUSTODIAN_DATA_DIR: dir, CUSTODIAN_EVIDENCE_KEY: newEvidenceKey() };
      const store = await openStore({ env });
      return {
        store,
        env,
        async dispose() {
          await store.close();
          await postgresAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

/** A fresh Ed25519 private key as PEM, what CUSTODIAN_EVIDENCE_KEY holds. */
export function newEvidenceKey(): string {
  return generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}
