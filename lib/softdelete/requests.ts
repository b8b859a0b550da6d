import { randomBytes } from "node:crypto";
import type { Store } from "../store/client";
import { keyText } from "./keys";

/** A request in one of these is still being worked on (or retried): at most one per subject, and its subject cannot be restored. */
export const OPEN_REQUEST_STATUSES = ["pending", "marked", "deleting", "partial", "failed"] as const;
export type RequestStatus = (typeof OPEN_REQUEST_STATUSES)[number] | "completed" | "cancelled";

/** Retries of a partial or failed request wait longer each time: 30 s, 1 min, 2 min … up to an hour. */
export function nextAttempt(attempts: number, now = new Date()): Date {
  return new Date(now.getTime() + Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1)));
}

/**
 * The deletion request of a subject: its open one if there is one (a purge asked twice
 * does not start twice), else a new one with a fresh token, pending.
 */
export async function requestDeletion(store: Store, table: string, key: unknown[], opts: { requestedBy: string; jobId?: string }) {
  const text = keyText(key);
  const open = await store.prisma.deletionRequest.findFirst({ where: { table, key: text, status: { in: [...OPEN_REQUEST_STATUSES] } } });
  if (open) return { request: open, created: false };
  try {
    const request = await store.prisma.deletionRequest.create({
      data: { token: randomBytes(12).toString("hex"), table, key: text, status: "pending", requestedBy: opts.requestedBy, jobId: opts.jobId ?? null },
    });
    return { request, created: true };
  } catch (err) {
    // Another worker opened one meanwhile (the partial unique index): use it.
    const other = await store.prisma.deletionRequest.findFirst({ where: { table, key: text, status: { in: [...OPEN_REQUEST_STATUSES] } } });
    if (other) return { request: other, created: false };
    throw err;
  }
}

/** What is left of a request, per step: shown for a partial request instead of a success. */
export interface StepView {
  seq: number;
  target: string;
  status: string;
  removed: number;
  redacted: number;
  nulled: number;
  plan: { table: string; action: string; rows: number | null }[];
  maxStatementMs: number;
  statements: number;
  error: string | null;
}

type StepRow = NonNullable<Awaited<ReturnType<Store["prisma"]["deletionStep"]["findFirst"]>>>;

/** A stored step as the pages and the CLI show it. */
export function stepView(s: StepRow): StepView {
  return {
    seq: s.seq,
    target: s.target,
    status: s.status,
    removed: Number(s.removed),
    redacted: Number(s.redacted),
    nulled: Number(s.nulled),
    plan: ((s.plan as { tables?: StepView["plan"] })?.tables ?? []) as StepView["plan"],
    maxStatementMs: s.maxStatementMs,
    statements: s.statements,
    error: s.error,
  };
}

export async function requestWithSteps(store: Store, id: string) {
  const r = await store.prisma.deletionRequest.findUnique({ where: { id }, include: { steps: { orderBy: { seq: "asc" } } } });
  return r ? { ...r, steps: r.steps.map(stepView) } : null;
}
