import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import type { CleanupJobStatus } from "../../generated/prisma/enums";
import type { Store } from "../store/client";
import { cleanupJobPage, cleanupsOf } from "./queries";

const [PGLITE] = STORE_KINDS;
const SNAPSHOT = {
  at: "2026-11-30T10:00:00.000Z",
  orphans: 3,
  eligible: 2,
  inGrace: 1,
  allowlisted: 0,
  graceDays: 7,
  dependents: [],
  dependentSampleOf: 2,
  scope: 2,
  approvalThreshold: 1,
  cycles: [],
  sampleKeys: { columns: ["id"], rows: [["1"]] },
};

describe("the job pages' queries", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await PGLITE.open());
    await store.prisma.user.create({ data: { id: "u-ops", name: "Ops", email: "ops@example.com" } });
  });
  afterAll(async () => dispose?.());

  const job = (data: { relation: string; status: CleanupJobStatus; approvedBy?: string; requestSnapshot?: object }) =>
    store.prisma.cleanupJob.create({ data: { action: "delete", requestedBy: "u-ops", estimate: 2, scope: 2, batchSize: 10, ...data } });

  it("finds no job behind an id nobody made", async () => {
    expect(await cleanupJobPage(store, randomUUID())).toBeNull();
  });

  it("names the people of a job by email, an unknown one by id, nobody as a dash", async () => {
    const { id } = await job({ relation: "shop.orders.user_id", status: "completed", approvedBy: "u-gone" });
    const page = (await cleanupJobPage(store, id))!;
    expect(page.who(page.status.requestedBy)).toBe("ops@example.com");
    expect(page.who(page.status.approvedBy)).toBe("u-gone");
    expect(page.who(page.status.rejectedBy)).toBe("—");
    expect(page).toMatchObject({ waiting: false, snapshot: null });
  });

  it("gives a job waiting for approval what its requester saw", async () => {
    const { id } = await job({ relation: "shop.orders.user_id", status: "awaiting_approval", requestSnapshot: SNAPSHOT });
    const page = (await cleanupJobPage(store, id))!;
    expect(page.waiting).toBe(true);
    expect(page.snapshot).toMatchObject({ eligible: 2, inGrace: 1, scope: 2, sampleKeys: { columns: ["id"], rows: [["1"]] } });
  });

  it("lists a relation's latest cleanups only, newest first", async () => {
    const other = await job({ relation: "social.posts.author_id", status: "completed" });
    const mine = await cleanupsOf(store, "shop.orders.user_id");
    expect(mine.map((j) => j.relation)).toEqual(["shop.orders.user_id", "shop.orders.user_id"]);
    expect(mine[0].createdAt.getTime()).toBeGreaterThanOrEqual(mine[1].createdAt.getTime());
    expect(mine.map((j) => j.id)).not.toContain(other.id);
  });
});
