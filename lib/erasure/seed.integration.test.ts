/**
 * The seed: a customer "fully erased" from the shop whose click-stream, e-mail link and
 * push subscription rows stayed behind in another database. Verification must say
 * incomplete with the exact residue, complete once those rows are gone, and the evidence
 * of both must hold as a chain that breaks visibly when a stored record is altered.
 */
import Database from "better-sqlite3";
import { sql } from "kysely";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { verifyChain } from "./evidence";
import { addRequests, getRequest } from "./requests";
import { verifyRequest } from "./run";
import { resolveSubject, subjectByName } from "./subjects";
import { verifySubject } from "./verify";

// Customer 3002 was hard-deleted from the shop; the activity database still holds these (lib/demo/sqlite.sql.ts).
const CUSTOMER = "3002";
const RESIDUE = { customer_activity: 11, customer_email_links: 1, customer_push_subscriptions: 1 };

const residueOf = (tables: { table: string; residualRows: number }[]) =>
  Object.fromEntries(tables.filter((t) => t.residualRows > 0).map((t) => [t.table, t.residualRows]));

describe.each(STORE_KINDS.filter((k) => k.available))("the seed scenario, evidence in %s", (kind) => {
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    demo = await privateDemo();
    ({ store, dispose } = await kind.open());
  });
  afterAll(async () => {
    await dispose?.();
    demo?.dispose();
  });

  it("is incomplete with the exact residue per table, complete after the cleanup, and the chain holds until a record is altered", async () => {
    const { ids } = await addRequests(store, demo.config, { subject: "user", keys: [[CUSTOMER]], source: "manual", requestedBy: "dpo-1" });
    const first = await verifyRequest(store, demo.config, (await getRequest(store, ids[0]))!, "dpo-1");
    expect(first.verification.verdict).toBe("incomplete");
    expect(residueOf(first.verification.tables)).toEqual(RESIDUE);
    const activity = first.verification.tables.find((t) => t.table === "customer_activity")!;
    expect(activity).toMatchObject({ target: "activity", schema: "main", via: ["activity_profile"], keyColumns: ["id"] });
    expect(activity.sampleKeys).toHaveLength(5);
    // every table a deletion handler should have reached was checked, not only the ones with residue
    expect(first.verification.tables.map((t) => `${t.target}.${t.table}`)).toEqual(
      expect.arrayContaining(["shop.users", "shop.orders", "shop.payments", "social.feedback", "activity.customer_activity"]),
    );
    expect((await getRequest(store, ids[0]))!.state).toBe("incomplete");
    expect(first.evidence.residualRows).toBe(13n);

    // the cleanup job for those relations, as a DBA would run it
    const db = new Database(path.join(demo.dir, "data/activity.db"));
    for (const table of Object.keys(RESIDUE)) db.prepare(`DELETE FROM "${table}" WHERE profile_id = ?`).run(Number(CUSTOMER));
    db.close();

    const second = await verifyRequest(store, demo.config, (await getRequest(store, ids[0]))!, "dpo-1");
    expect(second.verification.verdict).toBe("complete");
    expect(residueOf(second.verification.tables)).toEqual({});
    expect(second.evidence.prevHash).toBe(first.evidence.hash);
    expect((await getRequest(store, ids[0]))!.state).toBe("complete");

    expect(await verifyChain(store)).toMatchObject({ ok: true, records: 2, head: second.evidence.hash });

    // the store refuses to change evidence…
    await expect(store.prisma.$executeRawUnsafe(`UPDATE erasure_evidence SET verdict = 'complete' WHERE id = ${first.evidence.id}`)).rejects.toThrow(
      /append-only/,
    );
    await expect(store.prisma.$executeRawUnsafe(`DELETE FROM erasure_evidence`)).rejects.toThrow(/append-only/);
    // …unless a DBA switches the trigger off; the chain then shows where
    await store.prisma.$executeRawUnsafe(`ALTER TABLE erasure_evidence DISABLE TRIGGER erasure_evidence_no_update_delete`);
    await store.prisma.$executeRawUnsafe(`UPDATE erasure_evidence SET verdict = 'complete', residual_rows = 0 WHERE id = ${first.evidence.id}`);
    await store.prisma.$executeRawUnsafe(`ALTER TABLE erasure_evidence ENABLE TRIGGER erasure_evidence_no_update_delete`);
    const report = await verifyChain(store);
    expect(report.ok).toBe(false);
    expect(report.broken).toEqual({ id: first.evidence.id.toString(), reason: expect.stringContaining("altered") });
  });
});

describe("verification on the demo shop", () => {
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let pool: TargetPool;
  beforeAll(async () => {
    demo = await privateDemo();
    pool = new TargetPool(demo.config.targets);
  });
  afterAll(async () => {
    await pool?.close();
    demo?.dispose();
  });
  const verify = async (key: string) => verifySubject(demo.config, pool, await resolveSubject(pool, subjectByName(demo.config, "user"), [key]));

  it("follows relations transitively: the deleted user's orders and the payments under them", async () => {
    const v = await verify("12345");
    expect(v.verdict).toBe("incomplete");
    // comments and likes reached by user_id and by post_id are counted once
    expect(residueOf(v.tables)).toEqual({ comments: 490, likes: 250, orders: 5, payments: 8 });
    expect(v.tables.find((t) => t.table === "payments")!.via).toEqual(["shop.payments.order_id"]);
    expect(v.tables.find((t) => t.table === "users")!.residualRows).toBe(0);
  });

  it("counts a soft-deleted subject whose PII was kept as residue, and not once the PII is emptied", async () => {
    const before = await verify("2015");
    expect(before.tables.find((t) => t.table === "users")).toMatchObject({
      residualRows: 1,
      redactedRows: 0,
      piiColumns: ["email", "name"],
      sampleKeys: [["2015"]],
    });
    const shop = await pool.get("shop");
    await shop.query(sql`UPDATE users SET email = '', name = '' WHERE id = 2015`);
    const after = await verify("2015");
    expect(after.tables.find((t) => t.table === "users")).toMatchObject({ residualRows: 0, redactedRows: 1, sampleKeys: [] });
    // what was soft-deleted in its cascade (posts, comments, an order and its payment) and
    // its activity rows in another database still hold its data
    expect(after.verdict).toBe("incomplete");
    expect(residueOf(after.tables)).toEqual({ posts: 2, comments: 3, orders: 1, payments: 1, customer_activity: 2 });
  });

  it("never calls a subject erased when a target cannot be read", async () => {
    const broken = { ...demo.config, targets: { ...demo.config.targets, social: { ...demo.config.targets.social, url: path.join(demo.dir, "missing.db") } } };
    const p = new TargetPool(broken.targets);
    try {
      const v = await verifySubject(broken, p, await resolveSubject(p, subjectByName(broken, "user"), ["999999"]));
      expect(v.verdict).toBe("incomplete");
      expect(v.residualRows).toBe(0);
      expect(v.failures.map((f) => f.target)).toEqual(["social"]);
      expect(v.tables.find((t) => t.table === "feedback")!.error).toMatch(/missing\.db/);
    } finally {
      await p.close();
    }
  });
});
