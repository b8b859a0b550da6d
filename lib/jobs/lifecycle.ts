import { hostname } from "node:os";
import { logFailure } from "../errors/logged";
import { notFound, refused } from "../errors/user-error";
import type { Store } from "../store/client";

/**
 * The life of a job row in the store, the same for every kind that keeps one (cleanups,
 * purges, erasure runs, sweeps): claimed by one worker, kept alive by its heartbeat, taken
 * over when that heartbeat stops, given back when the worker stops, paused, resumed and
 * cancelled by people. Parameterised by the model; each feature declares its JobModel.
 */

/** Who runs a job, as its row records it: host:pid. */
export const workerName = () => `${hostname()}:${process.pid}`;

/** A running job whose worker has not been heard of for this long is taken over (its worker died). */
export const JOB_STALE_MS = 30_000;
/** How often a running job says it is alive (well inside JOB_STALE_MS). */
export const HEARTBEAT_MS = 5_000;

/** The few calls the lifecycle makes on a job table; every Prisma delegate of a job model has them. */
interface JobRows {
  updateMany(args: { where: object; data: object }): Promise<{ count: number }>;
  findUnique(args: { where: { id: string }; select: { status: true } }): Promise<{ status: string } | null>;
  findMany(args: { where: object; select: { id: true } }): Promise<{ id: string }[]>;
}

export interface JobModel<S extends string = string> {
  /** How refusals name a job of this kind: "job", "purge". */
  noun: string;
  /** The refusal when the id is unknown. */
  missing: string;
  /** The Prisma delegate of the model (its rows have id, status, startedAt, heartbeatAt, finishedAt, error). */
  rows(store: Store): unknown;
  /** Statuses in which a job holds its slot (one per relation, table…): pause and cancel apply to these. */
  active: readonly S[];
  /** How long a silent heartbeat means a dead worker (default JOB_STALE_MS). */
  staleMs?: number;
}

const rowsOf = (store: Store, model: JobModel) => model.rows(store) as JobRows;

export function staleBefore(model: JobModel, now = Date.now()): Date {
  return new Date(now - (model.staleMs ?? JOB_STALE_MS));
}

/** Running, but its worker has gone silent (no heartbeat, or an old one): another worker may take it over. */
export function isSilent(model: JobModel, job: { status: string; heartbeatAt: Date | null }, now = Date.now()): boolean {
  return job.status === "running" && (!job.heartbeatAt || job.heartbeatAt < staleBefore(model, now));
}

/** A Prisma filter for jobs still alive: queued, or running with a fresh heartbeat (one a person asking again is given). */
export function aliveWhere(model: JobModel, now = Date.now()) {
  return { OR: [{ status: "queued" as const }, { status: "running" as const, heartbeatAt: { gte: staleBefore(model, now) } }] };
}

export interface ClaimRule<S extends string> {
  /** Taken whatever their heartbeat (queued, a failed one retried). */
  free: readonly S[];
  /** Taken only when nobody works on them: no heartbeat, or a stale one. */
  silent: readonly S[];
  /** A new attempt starts the clock again (else the first start is kept). */
  restart?: boolean;
  /** What else a claim resets (a sweep's progress). */
  reset?: Record<string, unknown>;
}

/** Takes the job for this worker: false when another worker has it or it is not runnable. One statement, so two workers never both win. */
export async function claim<S extends string>(store: Store, model: JobModel<S>, id: string, rule: ClaimRule<S>, now = new Date()): Promise<boolean> {
  const rows = rowsOf(store, model);
  const nobody = { OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: staleBefore(model, now.getTime()) } }] };
  const n = await rows.updateMany({
    where: { id, OR: [{ status: { in: rule.free } }, { status: { in: rule.silent }, ...nobody }] },
    data: { status: "running", heartbeatAt: now, error: null, ...(rule.restart ? { startedAt: now } : {}), ...rule.reset },
  });
  if (n.count !== 1) return false;
  if (!rule.restart) await rows.updateMany({ where: { id, startedAt: null }, data: { startedAt: now } });
  return true;
}

/** Writes the job's heartbeat every HEARTBEAT_MS while it runs; returns the stop. A failed beat is retried at the next one. */
export function startHeartbeat(store: Store, model: JobModel, id: string, everyMs = HEARTBEAT_MS): () => void {
  const timer = setInterval(() => {
    void rowsOf(store, model)
      .updateMany({ where: { id, status: "running" }, data: { heartbeatAt: new Date() } })
      // the next beat tries again; a job silent for JOB_STALE_MS is taken over, and the log says why
      .catch(logFailure("jobs", `${model.noun} ${id} heartbeat`));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Gives a running job back (the worker is stopping): queued at its checkpoint, no heartbeat, so the next worker takes it at once. */
export async function release(store: Store, model: JobModel, id: string): Promise<boolean> {
  const n = await rowsOf(store, model).updateMany({ where: { id, status: "running" }, data: { status: "queued", heartbeatAt: null } });
  return n.count === 1;
}

/** Ids of jobs in `statuses` whose heartbeat went stale: their worker died, the reaper sends them again. */
export async function abandonedIds(store: Store, model: JobModel, statuses: readonly string[], now = new Date()): Promise<string[]> {
  const jobs = await rowsOf(store, model).findMany({
    where: { status: { in: statuses }, heartbeatAt: { lt: staleBefore(model, now.getTime()) } },
    select: { id: true },
  });
  return jobs.map((j) => j.id);
}

/** Moves a job from one of `from` with `data`, or refuses with what the job is now. */
export async function transition<S extends string>(
  store: Store,
  model: JobModel<S>,
  id: string,
  from: readonly S[],
  data: Record<string, unknown>,
  refusal: (status: string) => string,
): Promise<void> {
  const rows = rowsOf(store, model);
  const n = await rows.updateMany({ where: { id, status: { in: from } }, data });
  if (n.count === 1) return;
  const job = await rows.findUnique({ where: { id }, select: { status: true } });
  throw job ? refused(refusal(job.status)) : notFound(model.missing);
}

/**
 * Pause, resume and cancel as people use them: pause a queued or running job (a running
 * one stops at its next check), resume a paused one (queued again: the caller enqueues
 * it), cancel any active one.
 */
export function controlsOf<S extends string>(model: JobModel<S>) {
  const n = model.noun;
  return {
    pause: (store: Store, id: string) =>
      transition(store, model, id, ["queued", "running"] as S[], { status: "paused" }, (s) => `only a queued or running ${n} can be paused (this one is ${s})`),
    resume: (store: Store, id: string) =>
      transition(store, model, id, ["paused"] as S[], { status: "queued" }, (s) => `only a paused ${n} can be resumed (this one is ${s})`),
    cancel: (store: Store, id: string) =>
      transition(store, model, id, model.active, { status: "cancelled", finishedAt: new Date() }, (s) => `the ${n} is already ${s}`),
  };
}
