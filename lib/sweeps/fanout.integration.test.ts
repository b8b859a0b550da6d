import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasMysql, hasPostgres, POSTGRES_URL } from "../../test/services";
import { STORE_KINDS } from "../../test/stores";
import { createSweepFleet, type SweepFleet } from "../../test/sweep-fleet";
import { tempDir } from "../../test/cleanup-fixture";
import { waitFor } from "../../test/wait";
import { loadConfig } from "../config/load";
import { sweep } from "../detect/sweep";
import type { Store } from "../store/client";

const root = path.resolve(import.meta.dirname, "../..");
const pgStore = STORE_KINDS.find((k) => k.name === "PostgreSQL")!;
const available = hasPostgres && hasMysql;

interface SweepReport {
  sweepId: string;
  status: string;
  relations: { name: string; orphans: number | null; error?: string }[];
  parts: { relation: string; status: string; worker: string; orphans: number | null; attempts: number }[];
}

// Real `custodian worker` processes sharing a PostgreSQL store, as in production.
describe.runIf(available)("a sweep fanned out to worker processes", () => {
  let store: Store;
  let storeEnv: Record<string, string>;
  let disposeStore: () => Promise<void>;
  let fleet: SweepFleet;
  let tmp: ReturnType<typeof tempDir>;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    ({ store, env: storeEnv, dispose: disposeStore } = await pgStore.open());
    tmp = tempDir();
    fleet = await createSweepFleet(tmp.dir);
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
    await disposeStore?.();
    await fleet?.drop();
    tmp?.remove();
  });

  const cli = (args: string[]) =>
    spawn(process.execPath, [path.join(root, "bin/custodian.mjs"), ...args, "--config", fleet.configFile], {
      cwd: root,
      env: { ...process.env, ...storeEnv, ...fleet.env, CUSTODIAN_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });

  // Long by design: three workers start, and the killed one's part waits out pg-boss's 30 s heartbeat before it is retried.
  it(
    "counts 33 relations across PostgreSQL, MariaDB and SQLite exactly, one worker SIGKILLed mid-part: each part lands once, its retry counted",
    { timeout: 600_000 },
    async () => {
      // The last PostgreSQL child is locked: the worker that takes its part waits inside the count, and is killed there.
      const lock = new pg.Client({ connectionString: POSTGRES_URL });
      await lock.connect();
      await lock.query("BEGIN");
      await lock.query(`LOCK TABLE ${fleet.slowTable} IN ACCESS EXCLUSIVE MODE`);
      let locked = true;
      try {
        for (let i = 0; i < 3; i++) workers.push(cli(["worker"]));
        const asked = cli(["sweep", "--wait", "--json"]);
        let out = "";
        let err = "";
        asked.stdout!.on("data", (d) => (out += d));
        asked.stderr!.on("data", (d) => (err += d));
        const exited = new Promise<number | null>((r) => asked.once("exit", (code) => r(code)));

        await waitFor(async () => (await store.prisma.sweepPart.count({ where: { relationName: fleet.slowRelation, status: "running" } })) === 1, {
          what: "a worker counting the locked table",
          timeoutMs: 180_000,
        });
        const holder = await store.prisma.sweepPart.findFirstOrThrow({ where: { relationName: fleet.slowRelation } });
        const victim = workers.find((w) => holder.worker?.endsWith(`:${w.pid}`));
        expect(victim, `the part's worker ${holder.worker} is one of ours`).toBeDefined();
        victim!.kill("SIGKILL");
        await new Promise((r) => victim!.once("exit", r));
        // what it was counting when it died (it counts two parts at a time): those parts, and only those, are counted again
        const lost = (await store.prisma.sweepPart.findMany({ where: { worker: holder.worker, status: "running" }, select: { relationName: true } }))
          .map((p) => p.relationName)
          .sort();
        expect(lost).toContain(fleet.slowRelation);
        await lock.query("ROLLBACK");
        locked = false;

        expect(await exited, err).toBe(0);
        const report = JSON.parse(out) as SweepReport;
        expect(report.status).toBe("completed");
        // exact: what the fleet was built with, and what one in-process statement per relation counts
        expect(Object.fromEntries(report.relations.map((r) => [r.name, r.orphans]))).toEqual(fleet.expected);
        const inProcess = await sweep(loadConfig(fleet.configFile, { ...process.env, ...fleet.env }));
        expect(Object.fromEntries(inProcess.results.map((r) => [r.relation.name, r.orphans]))).toEqual(fleet.expected);

        // every part landed once; only the killed one was tried again, by another worker
        expect(report.parts).toHaveLength(Object.keys(fleet.expected).length);
        expect(report.parts.every((p) => p.status === "done")).toBe(true);
        const retried = report.parts.filter((p) => p.attempts > 1).sort((a, b) => a.relation.localeCompare(b.relation));
        expect(retried.map((p) => [p.relation, p.attempts])).toEqual(lost.map((r) => [r, 2]));
        for (const p of retried) expect(p.worker).not.toBe(holder.worker);
        expect(new Set(report.parts.map((p) => p.worker)).size).toBeGreaterThan(1);
        // the sweep's scans are the parts' counts
        const scans = await store.prisma.scan.findMany({ where: { sweepId: report.sweepId } });
        expect(Object.fromEntries(scans.map((s) => [s.relation, Number(s.orphans)]))).toEqual(fleet.expected);
        const stored = await store.prisma.sweep.findUniqueOrThrow({ where: { id: report.sweepId } });
        expect({ status: stored.status, done: stored.done, total: stored.total }).toEqual({ status: "completed", done: 33, total: 33 });
      } finally {
        if (locked) await lock.query("ROLLBACK").catch(() => {});
        await lock.end();
        const alive = workers.filter((w) => w.exitCode === null && w.signalCode === null);
        for (const w of alive) w.kill("SIGTERM");
        await Promise.all(alive.map((w) => new Promise((r) => w.once("exit", r))));
      }
    },
  );

  it("says plainly that a sweep needs the PostgreSQL store, and refuses unknown relations before queuing anything", async () => {
    const run = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [path.join(root, "bin/custodian.mjs"), ...args, "--config", fleet.configFile], {
          cwd: root,
          env: { ...process.env, ...fleet.env, ...env },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        p.stderr!.on("data", (d) => (stderr += d));
        p.once("exit", (code) => resolve({ code, stderr }));
      });
    const embedded = await run(["sweep"], { DATABASE_URL: "", CUSTODIAN_DATA_DIR: tmp.dir });
    expect(embedded.code).toBe(2);
    expect(embedded.stderr).toMatch(/set DATABASE_URL/);
    const before = await store.prisma.sweep.count();
    const unknown = await run(["sweep", "--relation", "no_such_relation"], storeEnv);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown relation "no_such_relation"/);
    expect(await store.prisma.sweep.count()).toBe(before);
  });
});
