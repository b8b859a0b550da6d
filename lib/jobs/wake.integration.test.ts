/**
 * Jobs reach a worker without waiting out its poll: a job sent to a `notify` queue wakes an
 * idle worker (LISTEN/NOTIFY), and a back-to-back kind's worker asks for the next job as soon
 * as one ends. The poll is set an hour away: a job that waited for it would never run here.
 */
import type { PgBoss } from "pg-boss";
import { z } from "zod";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import { waitFor } from "../../test/wait";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { sweepJob } from "../sweeps/job";
import { sweepFinishJob, sweepPartJob } from "../sweeps/part-jobs";
import { enqueue, type JobDefinition } from "./definition";
import { startQueue } from "./queue";
import { startWorkers } from "./workers";

const HOUR = 3600;

describe.each(STORE_KINDS.filter((k) => k.available))("a worker woken on the $name store", (kind) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let boss: PgBoss;
  let stopReaper = () => {};
  beforeEach(async () => {
    ({ store, dispose } = await kind.open());
    boss = await startQueue(store, { listen: true });
  });
  afterEach(async () => {
    stopReaper();
    // graceful: the workers stop fetching before the store closes
    await boss?.stop({ graceful: true, timeout: 5000 });
    await dispose?.();
  });

  const deps = () => ({ store, config: () => ({}) as Config, log: () => {} });
  const kindOf = (queue: string, extra: Partial<JobDefinition<{ n: number }>>, ran: number[]): JobDefinition<{ n: number }> => ({
    queue,
    schema: z.object({ n: z.number() }),
    queueOptions: { retryLimit: 0 },
    handle: async ({ n }) => {
      ran.push(n);
    },
    ...extra,
  });

  it("takes a back-to-back kind's queued jobs one after another, each fetched once the one before is completed", async () => {
    const ran: number[] = [];
    const def = kindOf("custodian.test-back-to-back", { backToBack: true }, ran);
    await boss.createQueue(def.queue, def.queueOptions);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await boss.send(def.queue, { n }))!);
    // the worker's first fetch is at once; the two after it come only from its own wake-ups
    stopReaper = await startWorkers(boss, deps(), [def as JobDefinition<unknown>], { pollSeconds: HOUR });
    await waitFor(async () => ran.length === 3, { what: "the three jobs", timeoutMs: 30_000 });
    expect(ran).toEqual([1, 2, 3]);
    // (pg-boss completes a job once its handler returns)
    await waitFor(async () => (await boss.getJobById(def.queue, ids[2]))?.state === "completed", { what: "the last job completed" });
    const jobs = await Promise.all(ids.map((id) => boss.getJobById(def.queue, id)));
    expect(jobs.map((j) => j?.state)).toEqual(["completed", "completed", "completed"]);
    // one at a time: a worker killed holds only the job it was running
    for (const i of [1, 2]) expect(jobs[i]!.startedOn!.getTime()).toBeGreaterThanOrEqual(jobs[i - 1]!.completedOn!.getTime());
  });

  it("wakes an idle worker when a job is sent to a notify queue; the sweep's queues are such queues", async () => {
    const ran: number[] = [];
    const def = kindOf("custodian.test-notify", { queueOptions: { retryLimit: 0, notify: true } }, ran);
    await boss.createQueue(def.queue, def.queueOptions);
    stopReaper = await startWorkers(boss, deps(), [def as JobDefinition<unknown>], { pollSeconds: HOUR });
    // idle: its first fetch found nothing, the next poll is an hour away
    await waitFor(async () => boss.getWipData().some((w) => w.name === def.queue && w.lastFetchedOn != null), { what: "the first fetch" });
    await enqueue(boss, def, { n: 7 });
    await waitFor(async () => ran.length === 1, { what: "the job sent", timeoutMs: 30_000 });
    expect(ran).toEqual([7]);
    for (const q of [sweepJob.queue, sweepPartJob.queue, sweepFinishJob.queue]) expect((await boss.getQueue(q))?.notify, q).toBe(true);
  });
});
