import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import type { Relation } from "../relations/types";
import type { Store } from "../store/client";
import { eligibility } from "./eligibility";

// Eligibility reads the store's sightings and allowlist through Prisma, the same on every
// store: the quickest one to open is enough.
const kind = STORE_KINDS.find((k) => k.name === "PostgreSQL" && k.available) ?? STORE_KINDS[0];
const DAY = 86_400_000;
const NOW = new Date("2026-06-15T12:00:00.000Z");

describe(`cleanup eligibility on the ${kind.name} store`, () => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
  });
  afterAll(async () => dispose?.());

  /** A relation of its own per test: sightings, entries and the module's probe cache are per relation name. */
  const relation = (allow: { key: (string | number)[]; reason: string; until: string | Date }[] = []): Relation =>
    ({ name: `rel_${randomBytes(4).toString("hex")}`, config: { allow } }) as unknown as Relation;
  const sighting = (rel: Relation, key: string, firstSeen: Date, open = true) =>
    store.prisma.orphanSighting.create({ data: { relation: rel.name, key, firstSeen, lastSeen: NOW, open } });
  const entry = (rel: Relation, key: string, until: Date, removedAt: Date | null = null) =>
    store.prisma.allowlistEntry.create({ data: { relation: rel.name, key, reason: "case 118", until, createdBy: "u-ops", removedAt } });

  it("keeps keys inside the grace period: first seen after the cut-off, or never seen; exactly at the cut-off is past it", async () => {
    const rel = relation();
    const cutoff = new Date(NOW.getTime() - 30 * DAY);
    await sighting(rel, '["old"]', new Date(cutoff.getTime() - 1));
    await sighting(rel, '["edge"]', cutoff);
    await sighting(rel, '["young"]', new Date(cutoff.getTime() + 1));
    const e = await eligibility(store, rel, [["old"], ["edge"], ["young"], ["unseen"]], 30, NOW);
    expect([...e.inGrace].sort()).toEqual(['["unseen"]', '["young"]']);
    expect(e.allowlisted.size).toBe(0);
  });

  it("counts only open sightings: a key whose old sighting was closed is young again", async () => {
    const rel = relation();
    await sighting(rel, '["back"]', new Date(NOW.getTime() - 90 * DAY), false);
    const e = await eligibility(store, rel, [["back"]], 30, NOW);
    expect([...e.inGrace]).toEqual(['["back"]']);
  });

  it("has no grace period at zero days: not even a key never seen is kept", async () => {
    const rel = relation();
    const e = await eligibility(store, rel, [["unseen"], [1]], 0, NOW);
    expect(e.inGrace.size).toBe(0);
  });

  it("matches keys in their sighting form: numbers as text, composite keys in order, duplicates once", async () => {
    const rel = relation();
    await sighting(rel, '["7","acme"]', new Date(NOW.getTime() - 90 * DAY));
    const e = await eligibility(
      store,
      rel,
      [
        [7, "acme"],
        ["7", "acme"],
        ["acme", 7],
      ],
      30,
      NOW,
    );
    expect([...e.inGrace]).toEqual(['["acme","7"]']);
  });

  it("spares config allowlist entries until they expire (an entry ending now has ended)", async () => {
    const rel = relation([
      { key: [42], reason: "fraud case", until: new Date(NOW.getTime() + 1) },
      { key: ["a", 1], reason: "legal hold", until: "2999-01-01" },
      { key: [43], reason: "expired", until: NOW },
      { key: [44], reason: "long expired", until: "2001-01-01" },
    ]);
    const e = await eligibility(store, rel, [[42], [43], [44]], 0, NOW);
    expect([...e.allowlisted].sort()).toEqual(['["42"]', '["a","1"]']);
  });

  it("spares entries added on the relation page unless removed or expired, and only the keys asked about", async () => {
    const rel = relation();
    await entry(rel, '["1"]', new Date(NOW.getTime() + DAY));
    await entry(rel, '["2"]', new Date(NOW.getTime() + DAY), new Date(NOW.getTime() - DAY));
    await entry(rel, '["3"]', NOW);
    await entry(rel, '["4"]', new Date(NOW.getTime() + DAY));
    const e = await eligibility(store, rel, [[1], [2], [3]], 0, NOW);
    expect([...e.allowlisted]).toEqual(['["1"]']);
  });

  it("does not mix relations: another relation's entries and sightings are not this one's", async () => {
    const rel = relation();
    const other = relation();
    await entry(other, '["1"]', new Date(NOW.getTime() + DAY));
    await sighting(other, '["1"]', new Date(NOW.getTime() - 90 * DAY));
    const e = await eligibility(store, rel, [[1]], 30, NOW);
    expect({ allowlisted: [...e.allowlisted], inGrace: [...e.inGrace] }).toEqual({ allowlisted: [], inGrace: ['["1"]'] });
  });

  it("asks nothing for no keys", async () => {
    const rel = relation([{ key: [1], reason: "kept", until: "2999-01-01" }]);
    const e = await eligibility(store, rel, [], 30, NOW);
    expect(e.inGrace.size).toBe(0);
    // config entries are listed whatever the keys (they cost no store read)
    expect([...e.allowlisted]).toEqual(['["1"]']);
  });
});
