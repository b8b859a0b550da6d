import { embeddedStoreDir } from "./paths";
import type { Store } from "./store";

export type { Store } from "./store";
export { redactUrl } from "./redact";

export interface OpenStoreOptions {
  env?: Record<string, string | undefined>;
  /** Shown to another process that finds the embedded store busy. */
  purpose?: string;
}

/**
 * Opens Custodian's own state (lib/store/store.ts): the embedded PGlite store, or a
 * PostgreSQL one with DATABASE_URL. Opening applies pending migrations. Each kind's drivers
 * are loaded only when that kind is opened: a command on a PostgreSQL store loads no PGlite,
 * one on the embedded store no pg (each ~50 ms of a small CLI command's start).
 */
export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const env = opts.env ?? process.env;
  const url = env.DATABASE_URL;
  const store = url
    ? await (await import("./postgres")).openPostgresStore(url, env.CUSTODIAN_MIGRATION_DATABASE_URL || undefined)
    : await (await import("./embedded")).openEmbeddedStore(embeddedStoreDir(env), opts.purpose ?? `custodian ${process.argv.slice(2).join(" ")}`.trim());
  return Object.assign(store, { env });
}
