import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { listAuditEvents, streamAuditEvents } from "./query";
import { recordAudit } from "./record";

describe.each(STORE_KINDS)("the audit trail on $name", (kind) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    if (!kind.available) return;
    ({ store, dispose } = await kind.open());
  });
  afterAll(async () => dispose?.());

  // The tests share one store (opening one costs seconds): each reads back only what it wrote.
  it.runIf(kind.available)("is append-only: the store itself refuses UPDATE, DELETE and TRUNCATE", async () => {
    await recordAudit(store, { actorId: "u1", actorRoles: ["ops"], action: "scans.run", result: "ok", requestId: "r1" });
    const event = await store.prisma.auditEvent.findFirstOrThrow({ where: { requestId: "r1" } });
    const before = await store.prisma.auditEvent.count();
    await expect(store.prisma.auditEvent.update({ where: { id: event.id }, data: { result: "denied" } })).rejects.toThrow(/append-only/);
    await expect(store.prisma.auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/);
    await expect(store.prisma.$executeRawUnsafe(`UPDATE audit_events SET actor_id = 'someone else'`)).rejects.toThrow(/append-only: UPDATE/);
    await expect(store.prisma.$executeRawUnsafe(`DELETE FROM audit_events`)).rejects.toThrow(/append-only: DELETE/);
    await expect(store.prisma.$executeRawUnsafe(`TRUNCATE audit_events`)).rejects.toThrow(/append-only: TRUNCATE/);
    expect(await store.prisma.auditEvent.count()).toBe(before);
    const after = await store.prisma.auditEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(after.result).toBe("ok");
    expect(after.actorId).toBe("u1");
  });

  it.runIf(kind.available)("never stores personal data or secrets in parameters", async () => {
    await recordAudit(store, {
      actorId: "u2",
      actorRoles: ["admin"],
      action: "users.create",
      params: { roles: ["ops"], email: "mikkel@example.dk", password: "hunter2-hunter2", note: "for mikkel@example.dk", userId: "abc" },
      result: "ok",
      requestId: "r2",
    });
    const event = await store.prisma.auditEvent.findFirstOrThrow({ where: { requestId: "r2" } });
    const text = JSON.stringify(event.params);
    expect(text).not.toContain("mikkel@example.dk");
    expect(text).not.toContain("hunter2");
    expect(event.params).toEqual({ roles: ["ops"], note: "for [email]", userId: "abc" });
  });

  it.runIf(kind.available)("stores any input: a NUL byte or a lone surrogate in parameters, object or reason cannot suppress the record", async () => {
    const nasty = "a\u0000b\ud800c";
    await recordAudit(store, {
      actorId: null,
      actorRoles: [],
      action: "users.roles",
      object: `user:${nasty}`,
      params: { userId: nasty, list: [nasty, 1], [`k${nasty}`]: "x" },
      result: "failed",
      reason: `needs users.manage ${nasty}`,
      requestId: "nul-1",
    });
    const event = await store.prisma.auditEvent.findFirstOrThrow({ where: { requestId: "nul-1" } });
    // NUL is kept visible as the six characters \u0000; an unpaired surrogate becomes U+FFFD
    expect(event.object).toBe("user:a\\u0000b\ufffdc");
    expect(event.params).toEqual({ userId: "a\\u0000b\ufffdc", list: ["a\\u0000b\ufffdc", 1], "ka\\u0000b\ufffdc": "x" });
    expect(event.reason).toBe("needs users.manage a\\u0000b\ufffdc");
  });

  it.runIf(kind.available)("filters by actor, action prefix, result and day, newest first, a page at a time", async () => {
    for (let i = 0; i < 7; i++) {
      await recordAudit(store, {
        actorId: i % 2 ? "alice" : "bob",
        actorRoles: ["ops"],
        action: i % 3 ? "cleanups.start" : "scans.run",
        result: i === 4 ? "denied" : "ok",
        requestId: `f${i}`,
      });
    }
    const alice = await listAuditEvents(store, { actor: "alice", result: undefined });
    expect(alice.rows.map((r) => r.requestId)).toEqual(["f5", "f3", "f1"]);
    // the exact rows (bob's, so only this test's), not every() over rows that might be none
    const cleanups = await listAuditEvents(store, { actor: "bob", action: "cleanups", result: undefined });
    expect(cleanups.rows.map((r) => [r.requestId, r.action])).toEqual([
      ["f4", "cleanups.start"],
      ["f2", "cleanups.start"],
    ]);
    expect((await listAuditEvents(store, { actor: "bob", result: "denied" })).rows.map((r) => r.requestId)).toEqual(["f4"]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listAuditEvents(store, { from: today, to: today, result: undefined })).rows.length).toBeGreaterThanOrEqual(7);
    expect((await listAuditEvents(store, { to: "2000-01-01", result: undefined })).rows).toEqual([]);
    const page1 = await listAuditEvents(store, { result: undefined }, 4);
    expect(page1.nextBefore).not.toBeNull();
    const page2 = await listAuditEvents(store, { result: undefined, before: page1.nextBefore! }, 4);
    expect(page2.rows[0].id).toBeLessThan(page1.rows[3].id);
    const streamed: string[] = [];
    for await (const e of streamAuditEvents(store, { actor: "bob", result: undefined }, 2)) streamed.push(e.requestId);
    expect(streamed).toEqual(["f6", "f4", "f2", "f0"]);
  });
});
