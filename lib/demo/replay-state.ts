/**
 * The demo's month replay, as the web process runs it beside the server: the pages say
 * "replaying the demo's last month: day 12 of 31" until it ends. Kept on globalThis:
 * Next.js bundles the startup (instrumentation) and the pages apart, in one process.
 */
export interface ReplayProgress {
  /** Days swept so far, and in all. */
  done: number;
  days: number;
  startedAt: number;
}

const KEY = Symbol.for("custodian.demo-replay");
const holder = globalThis as unknown as Record<symbol, ReplayProgress | null | undefined>;

export function replayProgress(): ReplayProgress | null {
  return holder[KEY] ?? null;
}

export function setReplayProgress(progress: ReplayProgress | null): void {
  holder[KEY] = progress;
}
