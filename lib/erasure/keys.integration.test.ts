/**
 * A key that is no value of the subject's key column was certified erased: `3O47` (a
 * letter O) for the bigint shop.users.id walked every table, matched nothing and was
 * stored as "complete, 0 rows" while 3047 had rows left. Keys are now read by the key
 * column's type when a request is filed and when it is verified.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { addRequests, getRequest } from "./requests";
import { verifyRequest } from "./run";
import { resolveSubject, subjectByName } from "./subjects";
import { verifySubject } from "./verify";

const pglite = STORE_KINDS.find((k) => k.name === "PGlite")!;

describe("subject keys are read by their column's type", () => {
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let store: Store;
  let dispose: () => Promise<void>;
  let pool: TargetPool;
  beforeAll(async () => {
    demo = await privateDemo();
    ({ store, dispose } = await pglite.open());
    pool = new TargetPool(demo.config.targets);
  });
  afterAll(async () => {
    await pool?.close();
    await dispose?.();
    demo?.dispose();
  });
  const user = () => subjectByName(demo.config, "user");

  it("refuses 3O47 for a bigint key instead of certifying it complete while 3047 has rows left", async () => {
    const real = await verifySubject(demo.config, pool, await resolveSubject(pool, user(), ["3047"]));
    expect(real.verdict).toBe("incomplete");
    expect(real.residualRows).toBeGreaterThan(0);

    await expect(resolveSubject(pool, user(), ["3O47"])).rejects.toThrow("key '3O47' is not a bigint (shop.users.id)");
    for (const bad of ["3O47", "3047.0", "abc", "3047; DELETE FROM users", ""]) {
      await expect(addRequests(store, demo.config, { subject: "user", keys: [[bad]], source: "manual", requestedBy: "dpo-1" }), bad).rejects.toThrow(
        `key '${bad}' is not a bigint (shop.users.id)`,
      );
    }
    // one bad key in an upload: nothing of it is stored
    await expect(
      addRequests(store, demo.config, { subject: "user", keys: [["3002"], ["3O47"]], lines: [2, 3], source: "csv", requestedBy: "dpo-1" }),
    ).rejects.toThrow("line 3: key '3O47' is not a bigint (shop.users.id)");
    expect(await store.prisma.erasureRequest.count()).toBe(0);
  });

  it("stores the canonical form, so two spellings of one person are one request", async () => {
    const first = await addRequests(store, demo.config, { subject: "user", keys: [["03047"], ["+3047"]], source: "csv", requestedBy: "dpo-1" });
    expect(first).toMatchObject({ created: 1, existing: 0 });
    const again = await addRequests(store, demo.config, { subject: "user", keys: [["3047"]], source: "manual", requestedBy: "dpo-1" });
    expect(again).toMatchObject({ created: 0, existing: 1, ids: first.ids });
    expect((await getRequest(store, first.ids[0]))!.key).toEqual(["3047"]);
  });

  it("refuses at verification a request filed before keys were read by type, and stores no evidence", async () => {
    const legacy = await store.prisma.erasureRequest.create({
      data: { subject: "user", target: "shop", table: "users", key: ["3O47"], keyText: '["3O47"]', source: "manual", requestedBy: "dpo-1" },
    });
    const before = await store.prisma.erasureEvidence.count();
    await expect(verifyRequest(store, demo.config, legacy, "dpo-1")).rejects.toThrow("key '3O47' is not a bigint (shop.users.id)");
    expect(await store.prisma.erasureEvidence.count()).toBe(before);
  });
});
