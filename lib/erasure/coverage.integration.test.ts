import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { coverageReport, markNotPersonal } from "./coverage";

describe("coverage report on the demo", () => {
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let pool: TargetPool;
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    demo = await privateDemo();
    pool = new TargetPool(demo.config.targets);
    ({ store, dispose } = await STORE_KINDS[0].open());
  });
  afterAll(async () => {
    await pool?.close();
    await dispose?.();
    demo?.dispose();
  });

  it("flags the sessions table no relation reaches, and nothing a relation does reach", async () => {
    const report = await coverageReport(demo.config, pool, store);
    expect(report.failures).toEqual([]);
    expect(report.entries.map((e) => [e.subject, `${e.target}.${e.schema}.${e.table}.${e.column}`, e.confidence])).toEqual([
      ["user", "social.main.customer_sessions.profile_id", "high"],
    ]);
    expect(report.entries[0].evidence.join(" ")).toMatch(/profile.*matches users\.id/);
  });

  it("keeps the DPO's 'not personal data' review with its reason, and forgets the entry once a relation covers it", async () => {
    await markNotPersonal(
      store,
      { target: "social", schema: "main", table: "customer_sessions", column: "profile_id" },
      "sessions hold a hashed device id only",
      "dpo-1",
    );
    const reviewed = await coverageReport(demo.config, pool, store);
    expect(reviewed.entries[0].decision).toMatchObject({ reason: "sessions hold a hashed device id only", decidedBy: "dpo-1" });

    const covered = {
      ...demo.config,
      relations: [
        ...demo.config.relations,
        {
          name: "session_profile",
          child: { target: "social", table: "customer_sessions", columns: ["profile_id"] },
          parent: { target: "shop", table: "users", columns: ["id"] },
        },
      ],
    };
    expect((await coverageReport(covered, pool, store)).entries).toEqual([]);
  });
});
