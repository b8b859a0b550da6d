import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/load";
import type { Config } from "../config/types";
import { sweep } from "../detect/sweep";
import type { Store } from "../store/client";
import { latestScans } from "../store/scans";
import { latestBacklog } from "../softdelete/stored-backlog";
import { previewByName } from "../cleanup/start";
import { buildDemo, DEMO_CONFIG } from "./build";
import { FAILED_CASCADE_DAY } from "./history";
import { REPLAY_DAYS, replayDemoHistory, type ReplayResult } from "./replay";
import { DEMO_EXPECTED_ORPHANS } from "../../test/demo-expected";
import { STORE_KINDS } from "../../test/stores";

const DAY_MS = 86_400_000;
// "today": the demo's soft-delete stamps are relative to the build's clock, so the replay's must be too
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const dayAt = (day: number) => new Date(NOW.getTime() - (REPLAY_DAYS - day) * DAY_MS);

describe("the demo's replayed month", () => {
  let dir: string;
  let config: Config;
  let store: Store;
  let disposeStore: () => Promise<void>;
  let replay: ReplayResult | null;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "custodian-demo-replay-"));
    cpSync(DEMO_CONFIG, path.join(dir, "custodian.config.yaml"));
    await buildDemo({ dir: path.join(dir, "data") });
    config = loadConfig(path.join(dir, "custodian.config.yaml"));
    const opened = await STORE_KINDS[0].open();
    store = opened.store;
    disposeStore = opened.dispose;
    replay = await replayDemoHistory(store, config, {
      now: NOW,
      log: (line) => console.log(line),
      onDay: (d, ms) => console.log(`day ${d}: ${Math.round(ms)} ms`),
    });
  }, 0); // no time limit: a loaded machine is slow, not wrong
  afterAll(async () => {
    await disposeStore?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const series = async (relation: string) =>
    (await store.prisma.scan.findMany({ where: { relation }, orderBy: { scannedAt: "asc" }, select: { orphans: true, scannedAt: true } })).map((s) => ({
      orphans: Number(s.orphans),
      at: s.scannedAt,
    }));

  it("records one completed sweep a day, at that day's time, the last one today", async () => {
    expect(replay?.sweeps).toBe(REPLAY_DAYS + 1);
    const sweeps = await store.prisma.sweep.findMany({ orderBy: { startedAt: "asc" } });
    expect(sweeps.map((s) => s.status)).toEqual(Array(REPLAY_DAYS + 1).fill("completed"));
    expect(sweeps.map((s) => s.startedAt.toISOString())).toEqual(Array.from({ length: REPLAY_DAYS + 1 }, (_, d) => dayAt(d).toISOString()));
  });

  it("leaves the databases exactly as built: today's counts are the demo's", async () => {
    const latest = Object.fromEntries((await latestScans(store)).map((s) => [s.relation, Number(s.orphans)]));
    expect(latest).toEqual(DEMO_EXPECTED_ORPHANS);
    const { results } = await sweep(config);
    expect(Object.fromEntries(results.map((r) => [r.relation.name, r.error ?? r.orphans]))).toEqual(DEMO_EXPECTED_ORPHANS);
  });

  it("grows the customer_activity backlog day by day from none", async () => {
    const counts = (await series("activity_profile")).map((s) => s.orphans);
    expect(counts[0]).toBe(0);
    expect(counts.at(-1)).toBe(DEMO_EXPECTED_ORPHANS.activity_profile);
    for (let d = 1; d < counts.length; d++) expect(counts[d]).toBeGreaterThanOrEqual(counts[d - 1]);
    // growth on most days, not one jump
    expect(counts.filter((n, d) => d > 0 && n > counts[d - 1]).length).toBeGreaterThan(20);
  });

  it("shows the failed cascade as a burst of orphans on its day, first seen then", async () => {
    const comments = await series("shop.comments.user_id");
    expect(comments.map((s) => s.orphans)).toEqual(comments.map((_, d) => (d < FAILED_CASCADE_DAY ? 0 : DEMO_EXPECTED_ORPHANS["shop.comments.user_id"])));
    const firstSeen = await store.prisma.orphanSighting.findMany({ where: { relation: "shop.comments.user_id", open: true }, distinct: ["firstSeen"] });
    expect(firstSeen.map((s) => s.firstSeen.toISOString())).toEqual([dayAt(FAILED_CASCADE_DAY).toISOString()]);
  });

  it("leaves activity_profile with more rows past grace than its approval threshold, and some in grace", async () => {
    const preview = await previewByName(store, config, "activity_profile");
    expect(preview.eligible).toBeGreaterThan(preview.approvalThreshold);
    expect(preview.needsApproval).toBe(true);
    expect(preview.inGrace).toBeGreaterThan(0);
    expect(preview.eligible + preview.inGrace).toBe(DEMO_EXPECTED_ORPHANS.activity_profile);
    // the cascade's orphans (18 days old) can be cleaned up at once, without a second person
    const comments = await previewByName(store, config, "shop.comments.user_id");
    expect(comments.eligible).toBe(DEMO_EXPECTED_ORPHANS["shop.comments.user_id"]);
    expect(comments.needsApproval).toBe(false);
  });

  it("fired alerts during the month, still open today", async () => {
    const alerts = await store.prisma.alert.findMany({ where: { relation: "activity_profile" }, orderBy: { firedAt: "asc" } });
    const open = alerts.filter((a) => !a.resolvedAt);
    expect(open.map((a) => a.kind)).toContain("count");
    expect(open.every((a) => a.firedAt < NOW)).toBe(true);
  });

  it("measures the soft-delete backlog as of each day, with an age spread today", async () => {
    const backlog = await latestBacklog(store);
    const gauge = backlog!.gauges[0];
    expect(gauge.histogram.filter((b) => b.rows > 0).length).toBeGreaterThan(1);
    expect(gauge.pending).toBe(20);
    const first = await store.prisma.sweep.findFirst({ orderBy: { startedAt: "asc" }, select: { backlog: true } });
    // 30 days ago the accounts deleted 45 days before today were inside their 30-day grace
    expect((first!.backlog as { pending: number }).pending).toBe(0);
  });

  it("is not replayed over a store that has sweeps", async () => {
    expect(await replayDemoHistory(store, config, { now: NOW })).toBeNull();
    expect(await store.prisma.sweep.count()).toBe(REPLAY_DAYS + 1);
  });
});
