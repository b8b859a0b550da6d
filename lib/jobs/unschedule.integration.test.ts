/**
 * A kind whose schedule the config dropped is unscheduled when workers start. pg-boss
 * failing to remove that schedule is logged: it must not keep every other kind's worker
 * from starting (the web process would refuse every "Scan now", cleanup and purge).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import { loadConfig } from "../config/load";
import type { Store } from "../store/client";
import { startQueue } from "./queue";
import { JOB_DEFINITIONS } from "./registry";
import { startWorkers } from "./workers";

const pglite = STORE_KINDS.find((k) => k.name === "PGlite")!;

describe("starting the workers", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await pglite.open());
  });
  afterAll(async () => dispose?.());

  it("goes on when a dropped schedule cannot be removed, and works every kind", async () => {
    // the demo's config schedules sweeps only: the other scheduled kinds are unscheduled
    const config = loadConfig(path.resolve("demo/custodian.config.yaml"), { ...process.env, CUSTODIAN_ERASURE_SCHEDULE: "" });
    const boss = await startQueue(store);
    const worked: string[] = [];
    const work = boss.work.bind(boss);
    // fault injection on the real queue: pg-boss refuses to remove a schedule
    boss.unschedule = async () => {
      throw new Error("unschedule refused");
    };
    boss.work = ((name: string, ...rest: unknown[]) => {
      worked.push(name);
      return (work as (...a: unknown[]) => Promise<string>)(name, ...rest);
    }) as typeof boss.work;
    try {
      const stop = await startWorkers(boss, { store, config: () => ({ ...config, schedule: { ...config.schedule, purge: undefined } }), log: () => {} });
      stop();
      expect(worked.sort()).toEqual(JOB_DEFINITIONS.map((d) => d.queue).sort());
    } finally {
      // graceful: the workers it started stop polling before the store (one PGlite connection) closes
      await boss.stop({ graceful: true, timeout: 5000 });
    }
  });
});
