import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHUNK_DATA as D, chunkTables, chunkTagsDatabase, type ChunkPlace } from "../../test/chunk-fixture";
import { STORE_KINDS } from "../../test/stores";
import { waitFor } from "../../test/wait";
import { validateConfig } from "../config/load";
import type { Config } from "../config/types";
import { startJobRuntime, type JobRuntime } from "../jobs/runtime";
import type { Store } from "../store/client";
import { requestSweep } from "./claim";
import { enqueueRequestedSweep } from "./job";
import { partsReport } from "./parts";

/**
 * A sweep run by the queue cuts a relation bigger than sweep.chunkRows into one part per
 * range of its key; the parts' counts add up to the relation's scan, and its sightings
 * are every orphan key, as for a relation counted in one part.
 */
const kind = STORE_KINDS[0]; // the embedded store: the workers run in this process

describe("a sweep of chunked relations", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let tables: ChunkPlace;
  let tags: ReturnType<typeof chunkTagsDatabase>;
  let config: Config;
  let runtime: JobRuntime;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
    tables = await chunkTables("sqlite");
    tags = chunkTagsDatabase();
    config = validateConfig(
      {
        targets: { db: tables.target, tagsdb: { dialect: "sqlite", url: tags.url } },
        relations: [
          {
            name: "composite",
            child: { target: "db", table: "children_c", columns: ["org_id", "code"] },
            parent: { target: "db", table: "parents_c", columns: ["org_id", "code"] },
          },
          {
            name: "pair",
            child: { target: "db", table: "items_i", columns: ["org_id", "n"] },
            parent: { target: "db", table: "pairs_i", columns: ["org_id", "n"] },
          },
          { name: "across", child: { target: "db", table: "notes_t", columns: ["tag_name"] }, parent: { target: "tagsdb", table: "tags", columns: ["name"] } },
        ],
        sweep: { chunkRows: 20 },
      },
      "test.yaml",
      {},
    );
    runtime = await startJobRuntime(store, { config: () => config, work: true, stopGraceMs: 1000 });
  });
  afterAll(async () => {
    await runtime?.stop();
    await dispose?.();
    await tables?.drop();
    tags?.drop();
  });

  it("counts each range in a part of its own, and stores the relation's sum and every orphan key", { timeout: 300_000 }, async () => {
    const { id } = await requestSweep(store, { requestedBy: "test", configHash: "test" });
    await enqueueRequestedSweep(runtime.boss, id);
    await waitFor(async () => ["completed", "failed"].includes((await store.prisma.sweep.findUniqueOrThrow({ where: { id } })).status), {
      what: "the sweep to end",
      timeoutMs: 240_000,
    });
    expect((await store.prisma.sweep.findUniqueOrThrow({ where: { id } })).status).toBe("completed");

    const parts = await partsReport(store, id);
    for (const [name, ranges, orphans] of [
      // ranges of the primary key hold chunkRows rows each; fewer left after the last boundary join the range before
      ["composite", Math.floor(D.childrenC.length / 20), D.orphansC],
      // ranges of the walked key (12 distinct tags) end after a whole key: fewer, fuller ranges
      ["across", 3, D.orphansT],
      // ranges of an integer reference (its parent bounded alike), NULL keys counted with the first
      ["pair", 3, D.orphansP],
    ] as const) {
      const mine = parts.filter((p) => p.relation === name);
      expect(mine.length, name).toBeGreaterThanOrEqual(ranges);
      expect(mine.every((p) => p.status === "done" && p.range)).toBe(true);
      expect(mine.every((p) => !!p.range!.reference)).toBe(name === "pair");
      expect(mine[0].range!.from).toBeUndefined();
      expect(mine.at(-1)!.range!.to).toBeUndefined();
      expect(
        mine.reduce((s, p) => s + p.orphans!, 0),
        name,
      ).toBe(orphans);
    }
    const scans = await store.prisma.scan.findMany({ where: { sweepId: id }, orderBy: { relation: "asc" } });
    expect(scans.map((s) => [s.relation, Number(s.orphans), Number(s.childRows), s.sightingsError])).toEqual([
      ["across", D.orphansT, D.notes.length, null],
      ["composite", D.orphansC, D.childrenC.length, null],
      ["pair", D.orphansP, D.items.length, null],
    ]);
    expect(await store.prisma.orphanSighting.count({ where: { relation: "composite", open: true } })).toBe(D.orphanKeysC);
    expect(await store.prisma.orphanSighting.count({ where: { relation: "across", open: true } })).toBe(D.orphanKeysT);
    expect(await store.prisma.orphanSighting.count({ where: { relation: "pair", open: true } })).toBe(D.orphanKeysP);
  });
});
