import path from "node:path";
import Database from "better-sqlite3";
import parsePrometheus from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../test/wait";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import { evaluateAlerts } from "../alerts/evaluate";
import type { Config } from "../config/types";
import { loadOverview } from "../dashboard/overview";
import { metricsText } from "../dashboard/metrics";
import { loadRelationRows } from "../dashboard/relations";
import { orphanSeries } from "../dashboard/series";
import { DEMO_EXPECTED_ORPHANS } from "../../test/demo-expected";
import { QUEUES } from "../jobs/queue";
import { startJobRuntime } from "../jobs/runtime";
import { slotKey } from "../jobs/slots";
import { handleSweepJob } from "./job";
import type { Store } from "../store/client";
import { sweepNow } from "./run";

const log = () => {};

describe.each(STORE_KINDS)("sweeps on the $name store", (kind) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let config: Config;
  beforeAll(async () => {
    if (!kind.available) return;
    ({ store, dispose } = await kind.open());
    demo = await privateDemo();
    config = demo.config;
  });
  afterAll(async () => {
    await dispose?.();
    demo?.dispose();
  });

  // The tests share one store and demo (each costs seconds to make): a test that reads scans
  // or alerts sweeps and sets the alerts up itself, never counting on a test before it.
  const quietAlerts = () => evaluateAlerts(store, { ...config, alerts: { orphans: 1e9, growthPerDay: 1e9 } });

  it.runIf(kind.available)(
    "sweeps one schedule slot once, however many workers race for it: its parts are counted by the workers",
    { timeout: 600_000 },
    async () => {
      const lines: string[] = [];
      const runtime = await startJobRuntime(store, { config: () => config, log: (l) => lines.push(l), work: true });
      try {
        const deps = { store, config: () => config, log, boss: runtime.boss };
        // a tick of its own, a week back: the queue test below races on this hour's
        const now = new Date(Date.now() - 7 * 86_400_000);
        const results = await Promise.all([handleSweepJob(deps, { trigger: "schedule" }, now), handleSweepJob(deps, { trigger: "schedule" }, now)]);
        expect(results.filter((r) => r.skipped)).toHaveLength(1);
        const slot = slotKey(config.schedule.sweep, now);
        const relations = Object.keys(DEMO_EXPECTED_ORPHANS).length;
        await waitFor(async () => (await store.prisma.sweep.findUnique({ where: { slot } }))?.status === "completed", {
          what: "the slot's sweep completed",
          timeoutMs: 300_000,
        }).catch(async (err) => {
          const parts = await store.prisma.sweepPart.groupBy({ by: ["status"], where: { sweep: { slot } }, _count: { _all: true } });
          const sweep = await store.prisma.sweep.findUnique({ where: { slot } });
          throw new Error(`${err.message}: sweep ${JSON.stringify(sweep)}, parts ${JSON.stringify(parts)}; log:\n${lines.join("\n")}`);
        });
        const sweep = await store.prisma.sweep.findUniqueOrThrow({ where: { slot } });
        expect({ done: sweep.done, total: sweep.total }).toEqual({ done: relations, total: relations });
        const scans = await store.prisma.scan.findMany({ where: { sweepId: sweep.id } });
        expect(Object.fromEntries(scans.map((s) => [s.relation, Number(s.orphans)]))).toEqual(DEMO_EXPECTED_ORPHANS);
        // every part counted once, by a worker that says who it is
        const parts = await store.prisma.sweepPart.findMany({ where: { sweepId: sweep.id } });
        expect(parts).toHaveLength(relations);
        expect(parts.every((p) => p.status === "done" && p.attempts === 1 && /:\d+$/.test(p.worker ?? ""))).toBe(true);
        // a restart re-running the slot's job changes nothing
        expect((await handleSweepJob(deps, { trigger: "schedule" }, new Date(now.getTime() + 1000))).skipped).toMatch(/already swept/);
        expect(await store.prisma.sweep.count({ where: { slot } })).toBe(1);
      } finally {
        await runtime.stop();
      }
    },
  );

  it.runIf(kind.available)("two queue workers given the same slot's job twice make one sweep", async () => {
    const runtimes = await Promise.all([0, 1].map(() => startJobRuntime(store, { config: () => config, log, work: true })));
    try {
      // what two schedulers racing on one tick would send; the jobs carry the tick in createdOn
      const ids = await Promise.all(runtimes.map((r) => r.boss.send(QUEUES.sweep, { trigger: "schedule" })));
      expect(ids.every(Boolean)).toBe(true);
      await waitFor(async () => {
        const jobs = await Promise.all(ids.map((id, i) => runtimes[i].boss.getJobById(QUEUES.sweep, id!)));
        return jobs.every((j) => j?.state === "completed");
      });
      // each job's tick names a slot: that slot has one sweep, whether or not another test swept it first
      const jobs = await Promise.all(ids.map((id, i) => runtimes[i].boss.getJobById(QUEUES.sweep, id!)));
      const slots = [...new Set(jobs.map((j) => slotKey(config.schedule.sweep, new Date(j!.createdOn))))];
      for (const slot of slots) expect(await store.prisma.sweep.count({ where: { slot } }), slot).toBe(1);
    } finally {
      await Promise.all(runtimes.map((r) => r.stop()));
    }
  });

  it.runIf(kind.available)("records when each orphan key was first and last seen, writing only what changed", async () => {
    const first = await sweepNow(store, config, "test");
    const open = await store.prisma.orphanSighting.count({ where: { relation: "shop.payments.order_id", open: true } });
    expect(open).toBe(3);
    const firstSeen = await store.prisma.orphanSighting.findMany({ where: { relation: "summary_symbol", open: true }, orderBy: { key: "asc" } });
    expect(firstSeen.length).toBe(7);

    // one orphan goes (its row deleted), a new one appears
    const db = new Database(path.join(demo.dir, "data/codegraph.db"));
    const gone = JSON.parse(firstSeen[0].key)[0];
    db.prepare("DELETE FROM summaries WHERE target_fqn = ?").run(gone);
    db.prepare("INSERT INTO summaries (target_fqn, summary) VALUES (?, ?)").run("com.example.Vanished", "points at nothing");
    db.close();
    const second = await sweepNow(store, config, "test");
    const now = await store.prisma.orphanSighting.findMany({ where: { relation: "summary_symbol" }, orderBy: { id: "asc" } });
    const closed = now.filter((s) => !s.open);
    expect(closed.map((s) => JSON.parse(s.key)[0])).toEqual([gone]);
    expect(closed[0].lastSeen.getTime()).toBe(first.result.scannedAt.getTime());
    const opened = now.filter((s) => s.open && s.firstSeen.getTime() === second.result.scannedAt.getTime());
    expect(opened.map((s) => JSON.parse(s.key)[0])).toEqual(["com.example.Vanished"]);
    // the others keep their first sighting
    expect(now.filter((s) => s.open).length).toBe(7);
    for (const s of firstSeen.slice(1)) expect(now.find((n) => n.key === s.key && n.open)?.firstSeen).toEqual(s.firstSeen);
    // nothing staged is left behind
    expect(await store.prisma.orphanKeyStage.count()).toBe(0);
  });

  it.runIf(kind.available)("fires alerts over a count or growth threshold once, sends them to the webhook, and resolves them", async () => {
    const sent: Record<string, unknown>[] = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      sent.push(JSON.parse(String(init.body)));
      return new Response("ok");
    }) as unknown as typeof fetch;
    await sweepNow(store, config, "test");
    // start from none firing, whatever ran before
    await quietAlerts();
    expect(await store.prisma.alert.count({ where: { resolvedAt: null } })).toBe(0);
    const strict: Config = { ...config, alerts: { orphans: 300, growthPerDay: 1_000_000, webhook: "https://hooks.example/alert" } };
    await evaluateAlerts(store, strict, { fetch: fakeFetch });
    const firing = (await store.prisma.alert.findMany({ where: { resolvedAt: null }, orderBy: { relation: "asc" } })).map((a) => `${a.relation}:${a.kind}`);
    expect(firing).toEqual(["activity_profile:count", "shop.comments.user_id:count"]);
    expect(sent.map((s) => [s.event, s.relation]).sort()).toEqual([
      ["fired", "activity_profile"],
      ["fired", "shop.comments.user_id"],
    ]);
    // evaluated again: nothing new fires, nothing is sent twice
    await evaluateAlerts(store, strict, { fetch: fakeFetch });
    expect(sent).toHaveLength(2);
    // a per-relation threshold overrides the global one
    const perRelation: Config = {
      ...strict,
      relations: strict.relations.map((r) => (r.name === "activity_profile" ? { ...r, alerts: { orphans: 10_000 } } : r)),
    };
    await evaluateAlerts(store, perRelation, { fetch: fakeFetch });
    expect(sent.at(-1)).toMatchObject({ event: "resolved", relation: "activity_profile", kind: "count" });
    // growth: a day-old scan with fewer orphans makes the per-day rate
    const dayAgo = new Date(Date.now() - 86_400_000);
    const last = await store.prisma.scan.findFirstOrThrow({ where: { relation: "feedback_profile" }, orderBy: { scannedAt: "desc" } });
    const { id: _id, ...copy } = last;
    await store.prisma.scan.create({ data: { ...copy, sweepId: null, orphans: 2n, scannedAt: dayAgo } });
    const growth: Config = { ...perRelation, alerts: { ...perRelation.alerts, growthPerDay: 5 } };
    await evaluateAlerts(store, growth, { fetch: fakeFetch });
    const g = await store.prisma.alert.findFirstOrThrow({ where: { relation: "feedback_profile", kind: "growth", resolvedAt: null } });
    expect(g.value).toBe(12);
    expect(g.notifiedAt).not.toBeNull();
  });

  it.runIf(kind.available)("an unreachable webhook is recorded on the alert and never fails the sweep", async () => {
    await sweepNow(store, config, "test");
    await quietAlerts();
    const broken: Config = { ...config, alerts: { orphans: 100, growthPerDay: 1_000_000, webhook: "http://127.0.0.1:9/nothing-listens" } };
    await expect(evaluateAlerts(store, broken)).resolves.toBeDefined();
    const a = await store.prisma.alert.findFirstOrThrow({ where: { relation: "shop.likes.user_id", resolvedAt: null } });
    expect(a.notifyError).toBeTruthy();
    expect(a.notifiedAt).toBeNull();
  });

  it.runIf(kind.available)("fires a pending alert for a soft-delete table whose backlog past grace is over its pendingAlert, and resolves it", async () => {
    const sent: Record<string, unknown>[] = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      sent.push(JSON.parse(String(init.body)));
      return new Response("ok");
    }) as unknown as typeof fetch;
    const quiet: Config = { ...config, alerts: { orphans: 1e9, growthPerDay: 1e9, webhook: "https://hooks.example/alert" } };
    // a sweep measures the demo's backlog: 20 users past their 30 days of grace
    await sweepNow(store, config, "test");
    const tight: Config = { ...quiet, softDelete: quiet.softDelete.map((e) => ({ ...e, pendingAlert: 19 })) };
    // start from none firing, whatever ran before
    await quietAlerts();
    await evaluateAlerts(store, tight, { fetch: fakeFetch });
    const firing = await store.prisma.alert.findMany({ where: { resolvedAt: null } });
    expect(firing.map((a) => [a.relation, a.kind, a.value, a.threshold])).toEqual([["shop.public.users", "pending", 20, 19]]);
    expect(sent).toEqual([
      expect.objectContaining({
        event: "fired",
        relation: "shop.public.users",
        kind: "pending",
        value: 20,
        text: expect.stringContaining("20 soft-deleted rows past grace"),
      }),
    ]);
    // a sweep that could not read the table keeps the alert: unknown is not back under the threshold
    const last = await store.prisma.sweep.findFirstOrThrow({
      where: { status: "completed", backlog: { not: { equals: null } } },
      orderBy: { startedAt: "desc" },
    });
    const measured = last.backlog as { gauges: Record<string, unknown>[] };
    await store.prisma.sweep.update({
      where: { id: last.id },
      data: { backlog: { ...measured, gauges: measured.gauges.map((g) => ({ ...g, pending: 0, error: "cannot reach target shop" })) } },
    });
    await evaluateAlerts(store, tight, { fetch: fakeFetch });
    expect((await store.prisma.alert.findMany({ where: { resolvedAt: null } })).map((a) => [a.relation, a.kind, a.value])).toEqual([
      ["shop.public.users", "pending", 20],
    ]);
    expect(sent).toHaveLength(1);
    await store.prisma.sweep.update({ where: { id: last.id }, data: { backlog: measured as object } });
    // exactly at the threshold is not over it
    await evaluateAlerts(store, { ...quiet, softDelete: quiet.softDelete.map((e) => ({ ...e, pendingAlert: 20 })) }, { fetch: fakeFetch });
    expect(await store.prisma.alert.count({ where: { resolvedAt: null } })).toBe(0);
    expect(sent.at(-1)).toMatchObject({ event: "resolved", relation: "shop.public.users", kind: "pending" });
    // a table taken out of the config is not alerted on from an old measurement
    await evaluateAlerts(store, { ...tight, softDelete: [] });
    expect(await store.prisma.alert.count({ where: { resolvedAt: null } })).toBe(0);
  });

  it.runIf(kind.available)("exposes the orphan gauges and alerts as Prometheus text that parses", async () => {
    await sweepNow(store, config, "test");
    // exactly one alert firing: the soft-delete backlog (20) over a pendingAlert of 19
    await quietAlerts();
    await evaluateAlerts(store, {
      ...config,
      alerts: { orphans: 1e9, growthPerDay: 1e9 },
      softDelete: config.softDelete.map((e) => ({ ...e, pendingAlert: 19 })),
    });
    const text = await metricsText(store);
    const families = parsePrometheus(text) as { name: string; type: string; metrics: { labels?: Record<string, string>; value: string }[] }[];
    const orphans = families.find((f) => f.name === "custodian_orphans")!;
    expect(orphans.type).toBe("GAUGE");
    const byRelation = Object.fromEntries(orphans.metrics.map((m) => [m.labels!.relation, Number(m.value)]));
    expect(byRelation["shop.payments.order_id"]).toBe(3);
    expect(byRelation["shop.refunds.order_id+line_no"]).toBe(4);
    expect(families.find((f) => f.name === "custodian_alert_active")!.metrics.map((m) => m.labels)).toEqual([
      { relation: "shop.public.users", kind: "pending" },
    ]);
    expect(families.map((f) => f.name)).toContain("custodian_last_sweep_timestamp_seconds");
    const sample = (name: string) => families.find((f) => f.name === name)!.metrics.map((m) => [m.labels!.table, Number(m.value)]);
    expect(sample("custodian_softdelete_rows")).toEqual([["shop.public.users", 31]]);
    expect(sample("custodian_softdelete_pending")).toEqual([["shop.public.users", 20]]);
    expect(sample("custodian_softdelete_pending_threshold")).toEqual([["shop.public.users", 10_000]]);
    // the oldest pending row is past 30 days of grace
    expect(sample("custodian_softdelete_oldest_pending_seconds")[0][1]).toBeGreaterThan(30 * 86_400);
  });

  it.runIf(kind.available)("draws the overview from stored scans: totals, deltas, a point per sweep, per-relation rows", async () => {
    // three sweeps of its own at least (the chart wants points to draw)
    for (let i = 0; i < 3; i++) await sweepNow(store, config, "test");
    const overview = await loadOverview(store, config, "24h");
    expect(overview.chart.points.length).toBeGreaterThanOrEqual(3);
    const last = overview.chart.points.at(-1)!;
    expect(Object.values(last.values).reduce((a, b) => a + b, 0)).toBe(overview.total);
    expect(overview.nextSweep!.getTime()).toBeGreaterThan(Date.now());
    const series = await orphanSeries(store, "all", ["summary_symbol"]);
    expect(series.at(-1)!.values.summary_symbol).toBe(7);
    const rows = await loadRelationRows(store);
    const payments = rows.find((r) => r.relation === "shop.payments.order_id")!;
    expect(payments.spark.length).toBeGreaterThanOrEqual(3);
    expect(payments.delta24h).toBeNull(); // no scan a day old
  });
});
