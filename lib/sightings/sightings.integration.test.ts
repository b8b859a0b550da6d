import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import type { Config } from "../config/types";
import { latestScanOf } from "../dashboard/relation";
import { openStore, type Store } from "../store/client";
import { sweepNow } from "../sweeps/run";
import { ANALYZE_AFTER, recordRelationSightings, type SightingsProgress } from "./record";

const root = path.resolve(import.meta.dirname, "../..");

/** Keys as pages of `size`, in the order given (a target's walk order). */
async function* pagesOf(keys: unknown[][], size = 4): AsyncGenerator<unknown[][]> {
  for (let i = 0; i < keys.length; i += size) yield keys.slice(i, i + size);
}

const ints = (from: number, to: number, except: number[] = []) => {
  const out: unknown[][] = [];
  for (let i = from; i <= to; i++) if (!except.includes(i)) out.push([i]);
  return out;
};

/** A store trigger that refuses sightings of one relation: a real store statement that fails. */
const refuseSightingsOf = (relation: string) => [
  `CREATE OR REPLACE FUNCTION custodian_test_refuse_sighting() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN RAISE EXCEPTION 'sightings of % refused by the test', NEW.relation; END $$`,
  `CREATE TRIGGER custodian_test_refuse BEFORE INSERT ON orphan_sightings FOR EACH ROW
   WHEN (NEW.relation = '${relation}') EXECUTE FUNCTION custodian_test_refuse_sighting()`,
];
const allowSightings = ["DROP TRIGGER IF EXISTS custodian_test_refuse ON orphan_sightings"];

describe.each(STORE_KINDS)("orphan sightings on the $name store", (kind) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    if (!kind.available) return;
    ({ store, dispose } = await kind.open());
  });
  afterAll(async () => {
    await dispose?.();
  });

  const sightings = async (relation: string) =>
    store.prisma.orphanSighting.findMany({ where: { relation }, orderBy: { id: "asc" }, select: { key: true, open: true, firstSeen: true, lastSeen: true } });
  const openKeys = async (relation: string) =>
    (await sightings(relation))
      .filter((s) => s.open)
      .map((s) => JSON.parse(s.key)[0])
      .sort();
  /** The planner's estimate of orphan_sightings' rows (ANALYZE sets it; -1 or 0 before the first). */
  const estimatedRows = async () =>
    Math.max(
      0,
      Number((await store.prisma.$queryRaw<{ n: number }[]>`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'orphan_sightings'::regclass`)[0].n),
    );
  /** Each row's physical version: unchanged when nothing was written to it. */
  const versions = async (relation: string) =>
    store.prisma.$queryRaw<
      { id: bigint; v: string }[]
    >`SELECT id, xmin::text || ctid::text AS v FROM orphan_sightings WHERE relation = ${relation} ORDER BY id`;

  it.runIf(kind.available)("opens and closes exactly what changed over sweeps, across staging and comparing batch boundaries", async () => {
    const rel = { name: "t.batches" };
    const small = { stageBatch: 7, compareBatch: 5 };
    const t1 = new Date("2026-01-01T00:00:00Z");
    const t2 = new Date("2026-01-02T00:00:00Z");
    const t3 = new Date("2026-01-03T00:00:00Z");
    const t4 = new Date("2026-01-04T00:00:00Z");
    // 1..40 and 99: 41 keys, 6 staging batches; the first sweep opens them as they come
    const progress: SightingsProgress[] = [];
    const first = await recordRelationSightings(store, rel, t1, null, pagesOf([...ints(1, 40), [99]]), { ...small, onProgress: (p) => progress.push(p) });
    expect(first).toMatchObject({ opened: 41, closed: 0 });
    // a batch at a time, and once more at the end with the whole recording's timings
    expect(progress.map((p) => p.done)).toEqual([7, 14, 21, 28, 35, 41, 41]);
    expect(progress.at(-1)!.timings.streamMs).toBeGreaterThan(0);
    expect(progress.every((p) => p.phase === "staging" && p.relation === "t.batches")).toBe(true);

    // gone: 1 (below every staged key in text order: ["1"] < ["11"]), 10, 20 and 25 (inside
    // ranges), 99 (above every staged key: the unbounded last range); new: 41..45
    progress.length = 0;
    const second = await recordRelationSightings(store, rel, t2, t1, pagesOf(ints(2, 45, [10, 20, 25])), { ...small, onProgress: (p) => progress.push(p) });
    expect(second).toMatchObject({ opened: 5, closed: 5 });
    expect(progress.filter((p) => p.phase === "comparing").map((p) => p.done)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 41]);
    expect(await openKeys("t.batches")).toEqual(
      ints(2, 45, [10, 20, 25])
        .map((k) => String(k[0]))
        .sort(),
    );
    const rows = await sightings("t.batches");
    const byKey = (k: number, open: boolean) => rows.find((r) => r.key === JSON.stringify([String(k)]) && r.open === open)!;
    for (const k of [1, 10, 20, 25, 99]) expect(byKey(k, false).lastSeen).toEqual(t1); // last seen by the sweep before
    for (const k of [41, 45]) expect(byKey(k, true).firstSeen).toEqual(t2);
    for (const k of [2, 40]) expect(byKey(k, true).firstSeen).toEqual(t1); // kept their first sighting
    expect(rows).toHaveLength(46);

    // nothing changed: nothing written, not one row version, and no comparison at all (the
    // staged keys' digest is the open sightings': only the last progress event, no range step)
    const before = await versions("t.batches");
    progress.length = 0;
    const third = await recordRelationSightings(store, rel, t3, t2, pagesOf(ints(2, 45, [10, 20, 25])), { ...small, onProgress: (p) => progress.push(p) });
    expect(third).toMatchObject({ opened: 0, closed: 0 });
    expect(third.timings.indexMs).toBe(0);
    expect(progress.filter((p) => p.phase === "comparing").map((p) => p.done)).toEqual([41]);
    expect(await versions("t.batches")).toEqual(before);

    // a key that comes back opens a new sighting beside its closed one; all the others go
    const fourth = await recordRelationSightings(store, rel, t4, t3, pagesOf([[10]]), small);
    expect(fourth).toMatchObject({ opened: 1, closed: 41 });
    expect(await openKeys("t.batches")).toEqual(["10"]);
    expect((await sightings("t.batches")).filter((s) => s.key === '["10"]').map((s) => s.open)).toEqual([false, true]);

    // none left: every open sighting closes
    expect(await recordRelationSightings(store, rel, new Date("2026-01-05T00:00:00Z"), t4, pagesOf([]), small)).toMatchObject({ opened: 0, closed: 1 });
    expect(await openKeys("t.batches")).toEqual([]);
  });

  it.runIf(kind.available)("refreshes the planner's statistics of orphan_sightings after a recording that opened ANALYZE_AFTER keys", async () => {
    // the next sweep's comparison is planned from these: without them it took millions of sightings for 3 rows
    const before = await estimatedRows();
    await recordRelationSightings(store, { name: "t.statistics" }, new Date("2026-03-01T00:00:00Z"), null, pagesOf(ints(1, ANALYZE_AFTER), 5000));
    expect(await estimatedRows()).toBeGreaterThanOrEqual(before + ANALYZE_AFTER);
  });

  it.runIf(kind.available)("counts exactly over a few thousand keys: all new, nothing changed, as many gone as new, one key twice", async () => {
    const rel = { name: "t.thousands" };
    const days = [1, 2, 3, 4, 5].map((d) => new Date(`2026-04-0${d}T00:00:00Z`));
    const keys = ints(1, 3000);
    // default batches; the walk's pages in its own order (not the store's text order)
    expect(await recordRelationSightings(store, rel, days[0], null, pagesOf(keys, 500))).toMatchObject({ opened: 3000, closed: 0 });
    const before = await versions("t.thousands");
    expect(await recordRelationSightings(store, rel, days[1], days[0], pagesOf(keys, 500))).toMatchObject({ opened: 0, closed: 0 });
    expect(await versions("t.thousands")).toEqual(before);
    // as many keys as before, 40 of them swapped for new ones: same count, another set
    const swapped = [...ints(41, 3000), ...ints(5001, 5040)];
    expect(await recordRelationSightings(store, rel, days[2], days[1], pagesOf(swapped, 500))).toMatchObject({ opened: 40, closed: 40 });
    expect(await openKeys("t.thousands")).toEqual(swapped.map((k) => String(k[0])).sort());
    // one key given twice by the target (7 and '7'): the same set, counted once, nothing written
    const twice = await versions("t.thousands");
    expect(await recordRelationSightings(store, rel, days[3], days[2], pagesOf([...swapped, ["5001"]], 500))).toMatchObject({ opened: 0, closed: 0 });
    expect(await versions("t.thousands")).toEqual(twice);
    const rows = await sightings("t.thousands");
    expect(rows.filter((r) => r.open)).toHaveLength(3000);
    expect(rows).toHaveLength(3040);
    // kept their first sighting; the swapped-out keys were last seen by the sweep before theirs
    expect(rows.find((r) => r.key === '["41"]')!.firstSeen).toEqual(days[0]);
    expect(rows.find((r) => r.key === '["5001"]')!.firstSeen).toEqual(days[2]);
    expect(rows.find((r) => r.key === '["1"]')!.lastSeen).toEqual(days[1]);
  });

  it.runIf(kind.available)("two target values that make one sighting key in one batch open it once", async () => {
    const result = await recordRelationSightings(store, { name: "t.twins.batch" }, new Date(), null, pagesOf([[7], ["7"], [8]]));
    expect(result).toMatchObject({ opened: 2, closed: 0 });
    expect(await openKeys("t.twins.batch")).toEqual(["7", "8"]);
  });

  it.runIf(kind.available)("two target values that make one sighting key in different batches open it once", async () => {
    // SQLite holds 7 and '7' in one column: both are the sighting key ["7"]
    const result = await recordRelationSightings(store, { name: "t.twins" }, new Date(), null, pagesOf([[7], [8], ["7"]], 2), { stageBatch: 2 });
    expect(result).toMatchObject({ opened: 2, closed: 0 });
    expect(await openKeys("t.twins")).toEqual(["7", "8"]);
  });

  it.runIf(kind.available)("a store statement that fails leaves the relation's sightings as they were, and a later recording completes", async () => {
    const rel = { name: "t.refused" };
    await recordRelationSightings(store, rel, new Date("2026-02-01T00:00:00Z"), null, pagesOf(ints(1, 10)));
    for (const sql of refuseSightingsOf("t.refused")) await store.prisma.$executeRawUnsafe(sql);
    try {
      await expect(recordRelationSightings(store, rel, new Date("2026-02-02T00:00:00Z"), null, pagesOf(ints(5, 15)), { compareBatch: 3 })).rejects.toThrow(
        /refused by the test/,
      );
    } finally {
      for (const sql of allowSightings) await store.prisma.$executeRawUnsafe(sql);
    }
    // the session's temporary table and lock went with the failure: the next recording runs
    expect(await recordRelationSightings(store, rel, new Date("2026-02-03T00:00:00Z"), null, pagesOf(ints(5, 15)), { compareBatch: 3 })).toMatchObject({
      opened: 5,
      closed: 4,
    });
    expect(await openKeys("t.refused")).toEqual(
      ints(5, 15)
        .map((k) => String(k[0]))
        .sort(),
    );
  });
});

describe.each(STORE_KINDS)("a sweep whose sightings fail on the $name store", (kind) => {
  let store: Store;
  let env: Record<string, string>;
  let dispose: () => Promise<void>;
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let config: Config;
  beforeAll(async () => {
    if (!kind.available) return;
    ({ store, env, dispose } = await kind.open());
    demo = await privateDemo();
    config = demo.config;
  });
  afterAll(async () => {
    await dispose?.();
    demo?.dispose();
  });

  it.runIf(kind.available)("keeps every count, stores the sightings error beside the failed relation's, and records the others", async () => {
    for (const sql of refuseSightingsOf("summary_symbol")) await store.prisma.$executeRawUnsafe(sql);
    let result;
    try {
      ({ result } = await sweepNow(store, config, "test"));
    } finally {
      for (const sql of allowSightings) await store.prisma.$executeRawUnsafe(sql);
    }
    const failed = result.results.find((r) => r.relation.name === "summary_symbol")!;
    expect(failed.orphans).toBe(7);
    expect(failed.sightingsError).toMatch(/sightings of summary_symbol refused by the test/);
    const sweep = await store.prisma.sweep.findFirstOrThrow({ orderBy: { startedAt: "desc" } });
    expect(sweep.status).toBe("completed");
    expect(sweep.activity).toBeNull();
    const scan = (await latestScanOf(store, "summary_symbol"))!;
    expect(Number(scan.orphans)).toBe(7);
    expect(scan.sightingsError).toMatch(/refused by the test/);
    expect(await store.prisma.orphanSighting.count({ where: { relation: "summary_symbol" } })).toBe(0);
    // the other relations' sightings were recorded
    expect(await store.prisma.orphanSighting.count({ where: { relation: "shop.payments.order_id", open: true } })).toBe(3);
    expect((await latestScanOf(store, "shop.payments.order_id"))!.sightingsError).toBeNull();

    // the next sweep records them and clears the error
    await sweepNow(store, config, "test");
    expect(await store.prisma.orphanSighting.count({ where: { relation: "summary_symbol", open: true } })).toBe(7);
    expect((await latestScanOf(store, "summary_symbol"))!.sightingsError).toBeNull();
  });

  it.runIf(kind.available)("scan --json prints the counts with sightingsError beside them, and exits 1", async () => {
    // the CLI opens the store itself: the embedded one only once this process has closed it
    const embedded = kind.name === "PGlite";
    const withStore = async (fn: (s: Store) => Promise<void>) => {
      if (!embedded) return fn(store);
      const s = await openStore({ env, purpose: "a test" });
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };
    if (embedded) await store.close();
    await withStore(async (s) => {
      // the sweep above opened them: closed here, the next sweep has to insert them again
      await s.prisma.orphanSighting.updateMany({ where: { relation: "summary_symbol", open: true }, data: { open: false } });
      for (const sql of refuseSightingsOf("summary_symbol")) await s.prisma.$executeRawUnsafe(sql);
    });
    const r = spawnSync(
      process.execPath,
      [
        path.join(root, "bin/custodian.mjs"),
        "scan",
        "--config",
        demo.configFile,
        "--json",
        "--relation",
        "summary_symbol",
        "--relation",
        "shop.payments.order_id",
      ],
      {
        encoding: "utf8",
        env: { ...process.env, ...env, CUSTODIAN_CONFIG: "" },
      },
    );
    await withStore(async (s) => {
      for (const sql of allowSightings) await s.prisma.$executeRawUnsafe(sql);
    });
    expect(r.status, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.relations.map((x: { name: string; orphans: number; sightingsError?: string }) => [x.name, x.orphans, x.sightingsError ?? null])).toEqual([
      ["summary_symbol", 7, expect.stringMatching(/refused by the test/)],
      ["shop.payments.order_id", 3, null],
    ]);
  });
});
