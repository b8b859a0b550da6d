import { readFileSync, statSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { createAuth, SIGN_IN_ATTEMPTS_PER_MINUTE, type Auth } from "./auth";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE } from "./sign-in-limit";
import { hasSessionCookie } from "./session-cookie";
import { countPasswordWork, serveAuth } from "../../test/auth-server";
import { bootstrapAccounts, demoCredentialsFile } from "./bootstrap";
import { UserError } from "../errors/user-error";
import { issueSetupToken, peekSetupToken, redeemSetupToken } from "./setup-tokens";
import { createPasswordUser, setActive, setRoles } from "./users";

const BASE = "http://localhost:3999";
const PASSWORD = "correct horse battery staple";

/** What a browser would send to the auth library's endpoints. */
function post(auth: Auth, path: string, body: unknown, opts: { ip?: string; cookie?: string } = {}) {
  return auth.handler(
    new Request(`${BASE}/api/auth${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: BASE,
        "x-forwarded-for": opts.ip ?? "203.0.113.1",
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
      },
      body: JSON.stringify(body),
    }),
  );
}

const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
const session = (auth: Auth, cookie: string) => auth.api.getSession({ headers: new Headers({ cookie }) });

describe.each(STORE_KINDS)("accounts on the $name store", (kind) => {
  let store: Store;
  let env: Record<string, string>;
  let dispose: () => Promise<void>;
  let auth: Auth;
  let output: string[];
  beforeAll(async () => {
    if (!kind.available) return;
    ({ store, env, dispose } = await kind.open());
    auth = createAuth(store, { ...env, CUSTODIAN_URL: BASE });
  });
  afterAll(async () => dispose?.());
  // Everything the code under test prints, to prove no secret is ever in it.
  beforeEach(() => {
    output = [];
    for (const m of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(" ")));
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it.runIf(kind.available)("signs in with a password into an http-only cookie session, audited without personal data", async () => {
    const { id } = await createPasswordUser(auth, store, { email: "Ops.Person@Example.com", name: "Ops Person", password: PASSWORD, roles: ["ops"] });
    const hash = (await store.prisma.account.findFirstOrThrow({ where: { userId: id } })).password!;
    expect(hash).not.toContain(PASSWORD);
    expect(hash).toMatch(/^[0-9a-f]+:[0-9a-f]+$/); // scrypt salt:key

    const ok = await post(auth, "/sign-in/email", { email: "ops.person@example.com", password: PASSWORD }, { ip: "203.0.113.10" });
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.getSetCookie().find((c) => c.startsWith("custodian.session_token="))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = cookieOf(ok);
    expect((await session(auth, cookie))?.user.id).toBe(id);
    // pages skip the store for a request without one (lib/auth/session.ts): the real cookie is recognised
    expect(hasSessionCookie(new Headers({ cookie }))).toBe(true);

    const bad = await post(auth, "/sign-in/email", { email: "ops.person@example.com", password: "not the password" }, { ip: "203.0.113.11" });
    expect(bad.status).toBe(401);

    const events = await store.prisma.auditEvent.findMany({ where: { action: "auth.sign_in" }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.actorId, e.result])).toEqual([
      [id, "ok"],
      [null, "failed"],
    ]);
    expect(events[0].actorRoles).toEqual(["ops"]);
    const trail = JSON.stringify(await store.prisma.auditEvent.findMany(), (_, v) => (typeof v === "bigint" ? String(v) : v));
    expect(trail).not.toMatch(/example\.com/i);
    expect(trail).not.toContain(PASSWORD);
    expect(trail).not.toContain(cookie.split("=")[1].split(".")[0]);

    const out = await post(auth, "/sign-out", {}, { cookie, ip: "203.0.113.10" });
    expect(out.status).toBe(200);
    expect(await session(auth, cookie)).toBeNull();
    expect(await store.prisma.auditEvent.count({ where: { action: "auth.sign_out", actorId: id } })).toBe(1);

    const printed = output.join("\n");
    expect(printed).not.toContain(PASSWORD);
    expect(printed).not.toContain(readFileSync(`${env.CUSTODIAN_DATA_DIR}/auth-secret`, "utf8"));
  });

  it.runIf(kind.available)(`limits sign-in attempts to ${SIGN_IN_ATTEMPTS_PER_MINUTE} a minute per client address, whatever X-Forwarded-For says`, async () => {
    await createPasswordUser(auth, store, { email: "limited@example.com", name: "L", password: PASSWORD, roles: ["dpo"] });
    const server = await serveAuth(auth, "");
    try {
      const hashing = countPasswordWork(await auth.$context);
      const statuses: number[] = [];
      // a fresh made-up address per attempt: the socket (127.0.0.1) is what counts
      for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_MINUTE + 5; i++) {
        statuses.push(
          (
            await server.post(
              { email: "limited@example.com", password: `guess ${i} guess ${i}` },
              { "x-forwarded-for": `198.51.100.${i}`, "x-real-ip": `198.51.100.${i}` },
            )
          ).status,
        );
      }
      expect(statuses).toEqual([...Array(SIGN_IN_ATTEMPTS_PER_MINUTE).fill(401), ...Array(5).fill(429)]);
      // past the limit no password was looked at
      expect(hashing.count).toBe(SIGN_IN_ATTEMPTS_PER_MINUTE);
      // the client's own header naming the address is replaced, not believed
      expect((await server.post({ email: "limited@example.com", password: PASSWORD }, { [CLIENT_ADDRESS_HEADER]: "198.51.100.200" })).status).toBe(429);
    } finally {
      await server.close();
    }
  });

  it.runIf(kind.available)("behind a trusted proxy, counts the address it forwards, and limits each account from every address together", async () => {
    await createPasswordUser(auth, store, { email: "target@example.com", name: "T", password: PASSWORD, roles: ["dpo"] });
    // the test's own connection (127.0.0.1) plays the proxy
    const server = await serveAuth(auth, "127.0.0.1, 10.0.0.0/8");
    try {
      const guess = (client: string, i: number) =>
        server.post({ email: "target@example.com", password: `guess ${i} guess ${i}` }, { "x-forwarded-for": `6.6.6.6, ${client}, 10.1.2.3` });
      // one client through the proxy: its own limit (the left-most hop, written by the client, is ignored)
      const one: number[] = [];
      for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_MINUTE + 1; i++) one.push((await guess("198.51.100.50", i)).status);
      expect(one).toEqual([...Array(SIGN_IN_ATTEMPTS_PER_MINUTE).fill(401), 429]);
      // many clients on one account: the account's limit
      const many: number[] = [];
      for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE; i++) many.push((await guess(`198.51.100.${60 + i}`, i)).status);
      const allowed = SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE - SIGN_IN_ATTEMPTS_PER_MINUTE;
      expect(many).toEqual([...Array(allowed).fill(401), ...Array(SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE - allowed).fill(429)]);
      // another account from a fresh client is not affected
      await createPasswordUser(auth, store, { email: "bystander@example.com", name: "B", password: PASSWORD, roles: ["dpo"] });
      expect((await server.post({ email: "bystander@example.com", password: PASSWORD }, { "x-forwarded-for": "198.51.100.99" })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it.runIf(kind.available)("counts concurrent attempts one by one, and does not count successful sign-ins against a team behind one address", async () => {
    await createPasswordUser(auth, store, { email: "team@example.com", name: "Team", password: PASSWORD, roles: ["ops"] });
    const server = await serveAuth(auth, "127.0.0.1");
    try {
      const from = { "x-forwarded-for": "192.0.2.77" };
      for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_MINUTE * 3; i++)
        expect((await server.post({ email: "team@example.com", password: PASSWORD }, from)).status).toBe(200);
      expect((await server.post({ email: "team@example.com", password: "a wrong password" }, from)).status).toBe(401);
      const other = { "x-forwarded-for": "192.0.2.78" };
      const burst = await Promise.all(
        Array.from({ length: 12 }, (_, i) => server.post({ email: `nobody${i}@example.com`, password: "a wrong password" }, other)),
      );
      expect(burst.map((r) => r.status).sort()).toEqual([
        ...Array(SIGN_IN_ATTEMPTS_PER_MINUTE).fill(401),
        ...Array(12 - SIGN_IN_ATTEMPTS_PER_MINUTE).fill(429),
      ]);
      expect(burst.find((r) => r.status === 429)!.headers.get("retry-after")).toBe("60");
    } finally {
      await server.close();
    }
  });

  it.runIf(kind.available)(
    "with no client address stamped (a bare `next start`), limits per account only: one client's wrong passwords lock no one else out",
    async () => {
      await createPasswordUser(auth, store, { email: "guessed@example.com", name: "G", password: PASSWORD, roles: ["dpo"] });
      await createPasswordUser(auth, store, { email: "colleague@example.com", name: "C", password: PASSWORD, roles: ["dpo"] });
      const statuses: number[] = [];
      for (let i = 0; i <= SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE; i++) {
        statuses.push((await post(auth, "/sign-in/email", { email: "guessed@example.com", password: `wrong ${i} wrong ${i}` }, { ip: "203.0.113.70" })).status);
      }
      // the guessed account is limited…
      expect(statuses).toEqual([...Array(SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE).fill(401), 429]);
      // …but not everyone else whose address is unknown too
      expect((await post(auth, "/sign-in/email", { email: "colleague@example.com", password: PASSWORD }, { ip: "203.0.113.71" })).status).toBe(200);
    },
  );

  it.runIf(kind.available)("records sign-ins refused by the rate limit, as denied", async () => {
    await createPasswordUser(auth, store, { email: "hammer@example.com", name: "H", password: PASSWORD, roles: ["ops"] });
    const since = (await store.prisma.auditEvent.findFirst({ orderBy: { id: "desc" } }))?.id ?? 0n;
    const statuses: number[] = [];
    // no stamped client address here (auth.handler called directly): the account's limit refuses
    for (let i = 0; i <= SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE; i++) {
      statuses.push((await post(auth, "/sign-in/email", { email: "hammer@example.com", password: `wrong ${i} wrong ${i}` }, { ip: "203.0.113.60" })).status);
    }
    expect(statuses.at(-1)).toBe(429);
    const refused = await store.prisma.auditEvent.findMany({ where: { id: { gt: since }, action: "auth.sign_in", result: "denied" } });
    expect(refused.map((e) => [e.actorId, e.reason, e.params])).toEqual([
      [null, "rate limited: too many attempts (from this address or on this account)", { method: "password" }],
    ]);
  });

  it.runIf(kind.available)("records self-service changes under /api/auth: name, password, sessions (ids only)", async () => {
    const { id } = await createPasswordUser(auth, store, { email: "self@example.com", name: "Self", password: PASSWORD, roles: ["dpo"] });
    const signIn = (ip: string) => post(auth, "/sign-in/email", { email: "self@example.com", password: PASSWORD }, { ip }).then(cookieOf);
    const cookie = await signIn("203.0.113.70");
    const other = await signIn("203.0.113.71");
    const otherSession = (await session(auth, other))!.session.id;
    const since = (await store.prisma.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } })).id;

    expect((await post(auth, "/update-user", { name: "Renamed Person" }, { cookie })).status).toBe(200);
    expect((await post(auth, "/change-password", { currentPassword: "not the password", newPassword: `${PASSWORD} 2` }, { cookie })).status).toBe(400);
    expect((await post(auth, "/change-password", { currentPassword: PASSWORD, newPassword: `${PASSWORD} 2` }, { cookie })).status).toBe(200);
    expect((await post(auth, "/revoke-session", { token: other.split("=")[1].split(".")[0] }, { cookie })).status).toBe(200);
    expect((await post(auth, "/revoke-sessions", {}, { cookie })).status).toBe(200);
    expect((await post(auth, "/update-user", { name: "Nobody" })).status).toBe(401);

    const events = await store.prisma.auditEvent.findMany({ where: { id: { gt: since } }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.action, e.actorId, e.object, e.result, e.params])).toEqual([
      ["auth.update_user", id, `user:${id}`, "ok", { fields: ["name"] }],
      ["auth.change_password", id, `user:${id}`, "failed", { revokeOtherSessions: false }],
      ["auth.change_password", id, `user:${id}`, "ok", { revokeOtherSessions: false }],
      ["auth.revoke_session", id, `session:${otherSession}`, "ok", {}],
      ["auth.revoke_sessions", id, `user:${id}`, "ok", {}],
      ["auth.update_user", null, null, "denied", { fields: ["name"] }],
    ]);
    expect(events[1].reason).toMatch(/password/i);
    expect(events.every((e) => e.actorRoles.join() === (e.actorId ? "dpo" : ""))).toBe(true);
    const trail = JSON.stringify(events, (_, v) => (typeof v === "bigint" ? String(v) : v));
    expect(trail).not.toContain("Renamed Person");
    expect(trail).not.toContain(PASSWORD);
    expect(trail).not.toContain(other.split("=")[1].split(".")[0]);
  });

  it.runIf(kind.available)("ends a deactivated user's sessions at once and refuses their sign-in until reactivated", async () => {
    const { id } = await createPasswordUser(auth, store, { email: "leaver@example.com", name: "Leaver", password: PASSWORD, roles: ["support"] });
    const { id: admin } = await createPasswordUser(auth, store, { email: "boss@example.com", name: "Boss", password: PASSWORD, roles: ["admin"] });
    const cookie = cookieOf(await post(auth, "/sign-in/email", { email: "leaver@example.com", password: PASSWORD }, { ip: "203.0.113.30" }));
    expect(await session(auth, cookie)).not.toBeNull();
    await setActive(auth, store, id, false, admin);
    expect(await session(auth, cookie)).toBeNull();
    // right or wrong, a deactivated account's password gets the answer of a wrong password
    const right = await post(auth, "/sign-in/email", { email: "leaver@example.com", password: PASSWORD }, { ip: "203.0.113.31" });
    const wrong = await post(auth, "/sign-in/email", { email: "leaver@example.com", password: "not the password" }, { ip: "203.0.113.31" });
    const unknown = await post(auth, "/sign-in/email", { email: "nobody.here@example.com", password: PASSWORD }, { ip: "203.0.113.31" });
    const answer = async (r: Response) => [r.status, await r.text()];
    const expected = await answer(unknown);
    expect(await answer(right)).toEqual(expected);
    expect(await answer(wrong)).toEqual(expected);
    expect(right.status).toBe(401);
    await setActive(auth, store, id, true, admin);
    expect((await post(auth, "/sign-in/email", { email: "leaver@example.com", password: PASSWORD }, { ip: "203.0.113.32" })).status).toBe(200);
    // never deleted
    expect(await store.prisma.user.count({ where: { id } })).toBe(1);
  });

  it.runIf(kind.available)("keeps at least one active admin and never lets an admin deactivate themselves", async () => {
    const admins = await store.prisma.user.findMany({ where: { roles: { has: "admin" } } });
    for (const a of admins.slice(1)) await setRoles(store, a.id, ["dpo"]);
    const last = admins[0];
    await expect(setRoles(store, last.id, ["ops"])).rejects.toThrow(UserError);
    await expect(setRoles(store, last.id, ["ops"])).rejects.toThrow(/last active admin/);
    await expect(setActive(auth, store, last.id, false, last.id)).rejects.toThrow(/cannot deactivate yourself/);
    await expect(setRoles(store, last.id, ["admin", "wizard" as never])).rejects.toThrow(/unknown role wizard/);
    await expect(createPasswordUser(auth, store, { email: "boss@example.com", name: "Dup", password: PASSWORD, roles: ["ops"] })).rejects.toThrow(
      /already exists/,
    );
    await expect(createPasswordUser(auth, store, { email: "short@example.com", name: "S", password: "short", roles: ["ops"] })).rejects.toThrow(/at least 12/);
    expect(await store.prisma.user.count({ where: { email: "short@example.com" } })).toBe(0);
  });

  it.runIf(kind.available)("setup links work once, even when redeemed twice at the same moment", async () => {
    const { token } = await issueSetupToken(store, { roles: ["dpo", "support"], createdBy: null });
    expect(await peekSetupToken(store, token)).toEqual({ roles: ["dpo", "support"] });
    expect(await store.prisma.setupToken.count({ where: { tokenHash: token } })).toBe(0); // only its hash is kept
    // a refused account (short password) leaves the link usable
    await expect(redeemSetupToken(auth, store, token, { email: "a@example.com", name: "A", password: "short" })).rejects.toThrow(/at least 12/);
    const results = await Promise.allSettled([
      redeemSetupToken(auth, store, token, { email: "first@example.com", name: "First", password: PASSWORD }),
      redeemSetupToken(auth, store, token, { email: "second@example.com", name: "Second", password: PASSWORD }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(String((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason)).toMatch(/already used or has expired/);
    expect(await peekSetupToken(store, token)).toBeNull();
    const created = await store.prisma.user.findMany({ where: { email: { in: ["first@example.com", "second@example.com"] } } });
    expect(created).toHaveLength(1);
    expect(created[0].roles).toEqual(["dpo", "support"]);
    const expired = await issueSetupToken(store, { roles: ["ops"], createdBy: null, hours: -1 });
    await expect(redeemSetupToken(auth, store, expired.token, { email: "late@example.com", name: "L", password: PASSWORD })).rejects.toThrow(/expired/);
  });
});

describe.each(STORE_KINDS)("first start on the $name store", (kind) => {
  it.runIf(kind.available)("prints a one-time setup link while no admin exists, and never a default password", async () => {
    const { store, env: opened, dispose } = await kind.open();
    const env = { ...opened, CUSTODIAN_URL: BASE };
    try {
      const auth = createAuth(store, env);
      const lines: string[] = [];
      const first = await bootstrapAccounts(auth, store, { demo: false, env, log: (l) => lines.push(l) });
      expect(first.setupUrl).toMatch(new RegExp(`^${BASE}/setup\\?token=[\\w-]{30,}$`));
      expect(lines.join("\n")).toContain(first.setupUrl);
      expect(await store.prisma.user.count()).toBe(0);
      // a restart issues a fresh link and ends the old one
      const second = await bootstrapAccounts(auth, store, { demo: false, env, log: () => {} });
      const oldToken = new URL(first.setupUrl!).searchParams.get("token")!;
      expect(await peekSetupToken(store, oldToken)).toBeNull();
      const token = new URL(second.setupUrl!).searchParams.get("token")!;
      await redeemSetupToken(auth, store, token, { email: "first.admin@example.com", name: "First", password: PASSWORD });
      expect((await bootstrapAccounts(auth, store, { demo: false, env, log: () => {} })).setupUrl).toBeUndefined();
    } finally {
      await dispose();
    }
  });

  it.runIf(kind.available)("creates the admin named by CUSTODIAN_ADMIN_EMAIL + CUSTODIAN_ADMIN_PASSWORD once", async () => {
    const { store, env, dispose } = await kind.open();
    try {
      const withAdmin = { ...env, CUSTODIAN_URL: BASE, CUSTODIAN_ADMIN_EMAIL: "root@example.com", CUSTODIAN_ADMIN_PASSWORD: PASSWORD };
      const auth = createAuth(store, withAdmin);
      const lines: string[] = [];
      const r = await bootstrapAccounts(auth, store, { demo: false, env: withAdmin, log: (l) => lines.push(l) });
      expect(r.setupUrl).toBeUndefined();
      await bootstrapAccounts(auth, store, { demo: false, env: withAdmin, log: (l) => lines.push(l) });
      const admins = await store.prisma.user.findMany({ where: { email: "root@example.com" } });
      expect(admins.map((a) => a.roles)).toEqual([["admin"]]);
      expect(lines.join("\n")).not.toContain(PASSWORD);
      expect((await post(auth, "/sign-in/email", { email: "root@example.com", password: PASSWORD })).status).toBe(200);
    } finally {
      await dispose();
    }
  });

  it.runIf(kind.available)("in demo mode, creates one user per role with random passwords kept for the next start", async () => {
    const { store, env, dispose } = await kind.open();
    try {
      const auth = createAuth(store, { ...env, CUSTODIAN_URL: BASE });
      const a = await bootstrapAccounts(auth, store, { demo: true, env, log: () => {} });
      expect(a.demo!.map((c) => c.role)).toEqual(["admin", "ops", "dpo", "support"]);
      expect(new Set(a.demo!.map((c) => c.password)).size).toBe(4);
      expect(statSync(demoCredentialsFile(env)).mode & 0o077).toBe(0);
      const b = await bootstrapAccounts(auth, store, { demo: true, env, log: () => {} });
      expect(b.demo).toEqual(a.demo);
      for (const c of a.demo!) {
        expect((await post(auth, "/sign-in/email", { email: c.email, password: c.password }, { ip: `203.0.113.${40 + a.demo!.indexOf(c)}` })).status).toBe(200);
        expect((await store.prisma.user.findUniqueOrThrow({ where: { email: c.email } })).roles).toEqual([c.role]);
      }
    } finally {
      await dispose();
    }
  });
});
