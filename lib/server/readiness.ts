import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { readMigrations } from "../store/migrate";

/**
 * Where the web process is in its life, for `GET /api/ready`: "starting" until the
 * instrumentation hook has run startup (store opened, migrations applied, accounts made),
 * "serving" after, "stopping" from SIGTERM on, so a load balancer stops sending requests
 * while the current jobs are released.
 */
export type Phase = "starting" | "serving" | "stopping";

const holder = globalThis as unknown as { __custodianPhase?: Phase; __custodianStarted?: { promise: Promise<void>; resolve: () => void } };

function started() {
  if (!holder.__custodianStarted) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    holder.__custodianStarted = { promise, resolve };
  }
  return holder.__custodianStarted;
}

/**
 * Resolves once startup is over (the accounts made), whether it succeeded or not: the
 * server answers before then (the store opens beside it), and a sign-in sent meanwhile
 * waits here rather than failing for an account not made yet.
 */
export function startupOver(): Promise<void> {
  return started().promise;
}

export function phase(): Phase {
  return holder.__custodianPhase ?? "starting";
}

export function setPhase(next: Phase): void {
  // Once stopping, always stopping: a late startup must not make a stopping server ready again.
  if (holder.__custodianPhase === "stopping") return;
  holder.__custodianPhase = next;
  if (next !== "starting") started().resolve();
}

export type Readiness = { ready: true } | { ready: false; reason: string };

export interface ReadinessDeps {
  phase: Phase;
  /** The process's store (opened again if it could not be at start). */
  store: () => Promise<Store>;
  /** Throws when the config cannot be read: no page could be served. */
  config: () => Config;
  /** Migration names this build ships. */
  migrations?: string[];
}

let shipped: string[] | undefined;

/**
 * Ready when startup finished and, checked now: the config loads, the store answers, and
 * every migration this build ships is applied in it. The reason is a short phrase, safe to
 * show a caller who is not signed in (never an error message, which may name a host).
 */
export async function readiness(deps: ReadinessDeps): Promise<Readiness> {
  if (deps.phase !== "serving") return { ready: false, reason: deps.phase };
  try {
    deps.config();
  } catch {
    return { ready: false, reason: "config invalid" };
  }
  let applied: Set<string>;
  try {
    const store = await deps.store();
    const rows = await store.prisma.$queryRaw<{ name: string }[]>`
      SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = new Set(rows.map((r) => r.name));
  } catch {
    return { ready: false, reason: "store unreachable" };
  }
  const expected = deps.migrations ?? (shipped ??= readMigrations().map((m) => m.name));
  const pending = expected.filter((name) => !applied.has(name));
  return pending.length ? { ready: false, reason: `${pending.length} migration${pending.length === 1 ? "" : "s"} pending` } : { ready: true };
}
