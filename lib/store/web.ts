import "server-only";
import { openStore, type Store } from "./client";

/**
 * The web process opens the store once and keeps it: with the embedded PGlite store it
 * is the only process allowed to (CLI commands get a clear message meanwhile).
 */
const holder = globalThis as unknown as { __custodianStore?: Promise<Store> };

export function getStore(): Promise<Store> {
  holder.__custodianStore ??= openStore({ purpose: "the Custodian web server" }).catch((err) => {
    holder.__custodianStore = undefined;
    throw err;
  });
  return holder.__custodianStore;
}
