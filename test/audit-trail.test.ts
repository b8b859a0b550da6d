/**
 * The audit trail as server actions write it, called the way Next calls them (the action
 * functions themselves) on a real store; only "who is asking" is given by the test, as
 * the request's headers and cookie would. No input may keep a call out of the trail, an
 * action names what it created, and a call whose record cannot be written does not run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RequestContext } from "../lib/auth/session";

const dataDir = mkdtempSync(path.join(tmpdir(), "custodian-audit-trail-"));
process.env.CUSTODIAN_DATA_DIR = dataDir;
delete process.env.DATABASE_URL;
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

let context: RequestContext = { actor: null, requestId: "unset" };
vi.mock("../lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/auth/session")>()),
  requestContext: async () => context,
}));
// The actions are called outside a Next.js request here: a page cache to refresh exists only inside one.
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { getStore } = await import("../lib/store/web");
const { getAuth } = await import("../lib/auth/session");
const { issueSetupToken } = await import("../lib/auth/setup-tokens");
const { createPasswordUser } = await import("../lib/auth/users");
const { inviteUser, setUserRoles } = await import("../lib/users/actions");
const { redeemSetupLink } = await import("../lib/users/setup.actions");
const refusedRoute = await import("../app/api/audit/refused/route");
const { REFUSED_ACTION_HEADER } = await import("../lib/auth/origin");

type Store = Awaited<ReturnType<typeof getStore>>;
let store: Store;
let admin: RequestContext["actor"];
let n = 0;
const as = (actor: RequestContext["actor"]) => {
  context = { actor, requestId: `audit-trail-${++n}` };
  return context.requestId;
};
const eventsOf = (requestId: string) => store.prisma.auditEvent.findMany({ where: { requestId }, orderBy: { id: "asc" } });
const NUL = "a\u0000b";

beforeAll(async () => {
  store = await getStore();
  const { id } = await createPasswordUser(await getAuth(), store, {
    email: "root@example.com",
    name: "Root",
    password: "a long enough passphrase",
    roles: ["admin"],
  });
  admin = { userId: id, email: "root@example.com", name: "Root", roles: ["admin"] };
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a NUL byte in an action's input", () => {
  it("from a signed-out caller: refused (401) and recorded", async () => {
    const requestId = as(null);
    await expect(setUserRoles({ userId: NUL, roles: ["ops"] })).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;401" });
    const events = await eventsOf(requestId);
    expect(events.map((e) => [e.action, e.result, e.reason, e.object])).toEqual([["users.roles", "denied", "not signed in", "user:a\\u0000b"]]);
    expect(events[0].params).toEqual({ userId: "a\\u0000b", roles: ["ops"] });
  });

  it("from a caller without the permission: refused (403) and recorded", async () => {
    const requestId = as({ userId: "support-user", email: "s@example.com", name: "S", roles: ["support"] });
    await expect(setUserRoles({ userId: NUL, roles: [`ops${NUL}` as "ops"] })).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;403" });
    const events = await eventsOf(requestId);
    expect(events.map((e) => [e.actorId, e.result, e.reason])).toEqual([["support-user", "denied", "needs users.manage"]]);
    expect(events[0].params).toEqual({ userId: "a\\u0000b", roles: ["opsa\\u0000b"] });
  });

  it("from a caller allowed to act: refused as invalid (a user id is a uuid) and both its records are written", async () => {
    const requestId = as(admin);
    const result = await setUserRoles({ userId: NUL, roles: ["ops"] });
    expect(result.validationErrors).toMatchObject({ userId: { _errors: ["expected a user id"] } });
    const events = await eventsOf(requestId);
    expect(events.map((e) => [e.result, e.reason, e.object])).toEqual([
      ["started", null, "user:a\\u0000b"],
      ["failed", "invalid input", "user:a\\u0000b"],
    ]);
  });

  it("in a public action (a setup link): recorded", async () => {
    const requestId = as(null);
    const result = await redeemSetupLink({ token: `${"t".repeat(30)}${NUL}`, email: "x@example.com", name: NUL, password: "a long enough passphrase" });
    expect(result.serverError).toMatch(/already used or has expired/);
    expect((await eventsOf(requestId)).map((e) => [e.action, e.result])).toEqual([
      ["users.setup", "started"],
      ["users.setup", "failed"],
    ]);
  });
});

describe("the object an event names", () => {
  it("is at most 500 characters: a signed-out caller cannot write a huge row with an endless id", async () => {
    const requestId = as(null);
    const huge = `${"x".repeat(200_000)}${NUL}`;
    await expect(setUserRoles({ userId: huge, roles: ["ops"] })).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;401" });
    const events = await eventsOf(requestId);
    expect(events.map((e) => [e.action, e.result])).toEqual([["users.roles", "denied"]]);
    const object = events[0].object!;
    expect(object.length).toBe(500);
    expect(object).toMatch(/^user:x+…$/);
    expect(JSON.stringify(events[0].params).length).toBeLessThan(1_000);
  });
});

describe("what was acted on", () => {
  it("users.invite names the invitation it created", async () => {
    const requestId = as(admin);
    const result = await inviteUser({ roles: ["dpo"] });
    expect(result.data?.url).toMatch(/\/setup\?token=/);
    const token = await store.prisma.setupToken.findFirstOrThrow({ where: { createdBy: admin!.userId }, orderBy: { createdAt: "desc" } });
    const events = await eventsOf(requestId);
    expect(events.map((e) => [e.result, e.object])).toEqual([
      ["started", null],
      ["ok", `invitation:${token.id}`],
    ]);
  });

  it("users.setup names the user the link created", async () => {
    const { token } = await issueSetupToken(store, { roles: ["ops"], createdBy: admin!.userId });
    const requestId = as(null);
    await expect(redeemSetupLink({ token, email: "new.ops@example.com", name: "New Ops", password: "a long enough passphrase" })).rejects.toMatchObject({
      digest: expect.stringMatching(/^NEXT_REDIRECT/),
    });
    const user = await store.prisma.user.findUniqueOrThrow({ where: { email: "new.ops@example.com" } });
    expect((await eventsOf(requestId)).map((e) => [e.result, e.object])).toEqual([
      ["started", null],
      ["ok", `user:${user.id}`],
    ]);
  });
});

describe("a server action refused by the origin check", () => {
  it("is recorded as denied, with the action's id and why, and answered 403", async () => {
    const requestId = as(admin);
    const refusal = { reason: "cross-origin server action: origin https://evil.example is not c.local", action: "7f00aa", path: "/users" };
    const res = await refusedRoute.POST(
      new Request("http://c.local/api/audit/refused", { method: "POST", headers: { [REFUSED_ACTION_HEADER]: JSON.stringify(refusal) } }),
    );
    expect(res.status).toBe(403);
    expect((await eventsOf(requestId)).map((e) => [e.actorId, e.action, e.object, e.result, e.reason])).toEqual([
      [admin!.userId, "server_action.cross_origin", "server_action:7f00aa", "denied", refusal.reason],
    ]);
  });

  it("is nothing without the proxy's word for it", async () => {
    const requestId = as(null);
    expect((await refusedRoute.POST(new Request("http://c.local/api/audit/refused", { method: "POST" }))).status).toBe(404);
    expect(
      (await refusedRoute.POST(new Request("http://c.local/api/audit/refused", { method: "POST", headers: { [REFUSED_ACTION_HEADER]: "{not json" } }))).status,
    ).toBe(404);
    expect(await eventsOf(requestId)).toEqual([]);
  });
});

describe("an audit record the store will not take", () => {
  // The store itself refuses the write (a trigger, as a full disk or a lost connection would).
  async function refuse(where: string, run: () => Promise<void>) {
    await store.prisma.$executeRawUnsafe(
      `CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$`,
    );
    await store.prisma.$executeRawUnsafe(
      `CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW WHEN (${where}) EXECUTE FUNCTION test_refuse_audit()`,
    );
    try {
      await run();
    } finally {
      await store.prisma.$executeRawUnsafe(`DROP TRIGGER test_refuse_audit ON audit_events`);
      await store.prisma.$executeRawUnsafe(`DROP FUNCTION test_refuse_audit()`);
    }
  }
  const invitations = () => store.prisma.setupToken.count();

  it("keeps the call from running: no invitation is made and the caller is told why", async () => {
    const before = await invitations();
    await refuse(`NEW.action = 'users.invite'`, async () => {
      as(admin);
      const result = await inviteUser({ roles: ["ops"] });
      expect(result.data).toBeUndefined();
      expect(result.serverError).toMatch(/^users\.invite was not run: its audit record could not be written \(request audit-trail-\d+\)/);
    });
    expect(await invitations()).toBe(before);
  });

  it("refuses a denied call with the same message rather than answering without a record", async () => {
    await refuse(`NEW.action = 'users.roles'`, async () => {
      as(null);
      const result = await setUserRoles({ userId: "x", roles: [] });
      expect(result.serverError).toMatch(/^users\.roles was not run: its audit record could not be written/);
    });
  });

  it("after the call ran, reports it unrecorded instead of a success the trail does not hold", async () => {
    const before = await invitations();
    await refuse(`NEW.action = 'users.invite' AND NEW.result = 'ok'`, async () => {
      const requestId = as(admin);
      const result = await inviteUser({ roles: ["ops"] });
      expect(result.data).toBeUndefined();
      expect(result.serverError).toMatch(/^users\.invite ran but its outcome could not be recorded/);
      expect((await eventsOf(requestId)).map((e) => e.result)).toEqual(["started"]);
    });
    expect(await invitations()).toBe(before + 1);
  });
});
