import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { AUDIT_GENESIS, verifyAuditChain } from "./chain";
import { recordAudit } from "./record";

const bin = path.resolve(import.meta.dirname, "../../bin/custodian.mjs");

/** What only a role that may disable the append-only trigger can do (the single-role store's own role can). */
async function tamper(store: Store, sql: string) {
  await store.prisma.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
  try {
    await store.prisma.$executeRawUnsafe(sql);
  } finally {
    await store.prisma.$executeRawUnsafe(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
  }
}

describe.each(STORE_KINDS)("the audit trail's hash chain on $name", (kind) => {
  let store: Store;
  let env: Record<string, string>;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    if (!kind.available) return;
    ({ store, env, dispose } = await kind.open());
  });
  afterAll(async () => dispose?.());

  const event = (n: number) => ({
    actorId: `u${n}`,
    actorRoles: n % 3 ? ["ops", "dpo"] : [],
    action: "scans.run",
    object: n % 2 ? `relation:shop.comments.user_id` : null,
    params: { n, note: 'ünïcode ✓ "quoted"', ids: ["b", "a"], dryRun: n % 2 === 0 },
    result: "ok" as const,
    reason: n % 4 ? null : "a reason",
    requestId: `r${n}`,
  });

  it.runIf(kind.available)("links every event to the one before, in id order, even when they are written at once", async () => {
    await recordAudit(store, event(0));
    await Promise.all(Array.from({ length: 24 }, (_, i) => recordAudit(store, event(i + 1))));
    const rows = await store.prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows).toHaveLength(25);
    expect(rows[0].prevHash).toBe(AUDIT_GENESIS);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    const report = await verifyAuditChain(store, { pageSize: 7 });
    expect(report).toEqual({ ok: true, records: 25, head: rows[24].hash });
  });

  it.runIf(kind.available)("names a deleted event, an altered one, and a head that is gone", async () => {
    const rows = await store.prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
    const head = rows[rows.length - 1].hash!;
    expect((await verifyAuditChain(store, { expectHead: head })).ok).toBe(true);

    await tamper(store, `DELETE FROM audit_events WHERE id = ${rows[5].id}`);
    const deleted = await verifyAuditChain(store);
    expect(deleted).toMatchObject({ ok: false, records: 5, head: rows[4].hash, broken: { id: rows[6].id.toString() } });
    expect(deleted.broken!.reason).toMatch(/previous-event hash does not match/);

    await tamper(store, `UPDATE audit_events SET result = 'ok', actor_id = 'someone else' WHERE id = ${rows[2].id}`);
    const altered = await verifyAuditChain(store);
    expect(altered).toMatchObject({ ok: false, records: 2, broken: { id: rows[2].id.toString() } });
    expect(altered.broken!.reason).toMatch(/contents do not match its hash/);

    await tamper(store, `DELETE FROM audit_events WHERE id >= ${rows[1].id}`);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, records: 1 });
    const gone = await verifyAuditChain(store, { expectHead: head });
    expect(gone).toMatchObject({ ok: false, records: 1 });
    expect(gone.broken!.reason).toMatch(/head recorded earlier/);
  });

  it.runIf(kind.available)("custodian verify-audit prints the document and exits 1 once an event is removed", async () => {
    await recordAudit(store, event(100));
    await recordAudit(store, event(101));
    await recordAudit(store, event(102));
    await store.close();
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [bin, "verify-audit", ...args], {
        encoding: "utf8",
        env: { ...process.env, CUSTODIAN_CONFIG: "", DATABASE_URL: "", ...env },
      });
    try {
      const ok = run("--json");
      expect(ok.status, ok.stderr).toBe(0);
      const doc = JSON.parse(ok.stdout);
      expect(doc).toMatchObject({ holds: true, records: 4 });
      expect(Object.keys(doc)).toEqual(["holds", "records", "head"]);
      const { openStore } = await import("../store/client");
      const again = await openStore({ env });
      try {
        const second = await again.prisma.auditEvent.findMany({ orderBy: { id: "asc" }, skip: 2, take: 1 });
        await tamper(again, `DELETE FROM audit_events WHERE id = ${second[0].id}`);
      } finally {
        await again.close();
      }
      const broken = run("--json");
      expect(broken.status).toBe(1);
      expect(JSON.parse(broken.stdout)).toMatchObject({ holds: false, records: 2, reason: expect.stringMatching(/removed/) });
      expect(run("--expect-head", doc.head, "--json").status).toBe(1);
    } finally {
      const { openStore } = await import("../store/client");
      store = await openStore({ env });
    }
  });
});
