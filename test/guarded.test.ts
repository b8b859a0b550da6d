/**
 * Every server action and route handler in the code refuses a caller who is not signed in
 * and one who holds no role, and records the refusal in the audit trail. New ones are
 * found by walking the source: one written without the action client or guardedRoute
 * fails here. The few public entry points are listed below, each with its reason.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RequestContext } from "../lib/auth/session";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = mkdtempSync(path.join(tmpdir(), "custodian-guard-"));
process.env.CUSTODIAN_DATA_DIR = dataDir;
delete process.env.DATABASE_URL;
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

let context: RequestContext = { actor: null, requestId: "test" };
vi.mock("../lib/auth/session", () => ({
  requestContext: async () => context,
  getAuth: async () => {
    throw new Error("an action reached the auth library without passing its guard");
  },
}));

/** Public on purpose: gated by something other than a session. */
const PUBLIC_ACTIONS: Record<string, string[]> = {
  "lib/users/setup.actions.ts": ["redeemSetupLink"], // a one-time setup token
};
const PUBLIC_ROUTES: Record<string, string> = {
  "app/api/auth/[...all]/route.ts": "the auth library's sign-in, sign-out and session endpoints (rate-limited)",
  "app/api/audit/refused/route.ts": "reached only through the proxy, which hands it a cross-origin server action to record as denied (403)",
  // Probes of a load balancer, systemd or Kubernetes, which cannot sign in; they say ok / ready or a
  // short reason, read nothing a person owns (test/probes.test.ts).
  "app/api/health/route.ts": 'liveness: 200 "ok", no store access, no details',
  "app/api/ready/route.ts": "readiness: 200 or 503 with a short reason (starting, stopping, store unreachable, migrations pending)",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === "node_modules" ? [] : sourceFiles(p);
    return /\.(ts|tsx)$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [p] : [];
  });
}

const files = [...sourceFiles(path.join(root, "app")), ...sourceFiles(path.join(root, "lib"))];
const rel = (f: string) => path.relative(root, f).split(path.sep).join("/");
const actionFiles = files.filter((f) => /^\s*(\/\/[^\n]*\n\s*)*["']use server["']/.test(readFileSync(f, "utf8")));
const routeFiles = files.filter((f) => /(^|\/)route\.tsx?$/.test(rel(f)));

const digest = (status: number) => `NEXT_HTTP_ERROR_FALLBACK;${status}`;
const signedOut: RequestContext = { actor: null, requestId: "guard-test" };
const noRole: RequestContext = { actor: { userId: "no-role-user", email: "x@example.com", name: "X", roles: [] }, requestId: "guard-test" };

let store: Awaited<ReturnType<typeof import("../lib/store/web").getStore>>;
beforeAll(async () => {
  store = await (await import("../lib/store/web")).getStore();
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function deniedSince(id: bigint) {
  return store.prisma.auditEvent.findMany({ where: { id: { gt: id }, result: "denied" } });
}
async function lastEventId() {
  return (await store.prisma.auditEvent.findFirst({ orderBy: { id: "desc" } }))?.id ?? 0n;
}

describe("every server action", () => {
  it("is found in the source (the walk itself works)", () => {
    expect(actionFiles.map(rel)).toEqual(expect.arrayContaining(["lib/users/actions.ts", "lib/users/setup.actions.ts"]));
  });

  it('lives in an actions module: no inline "use server" function the walk could miss', () => {
    const inline = files.filter((f) => !actionFiles.includes(f) && /["']use server["']/.test(readFileSync(f, "utf8")));
    expect(inline.map(rel)).toEqual([]);
  });

  it.each(actionFiles.map((f) => [rel(f)]))("in %s refuses callers who are signed out or hold no role, and audits it", async (file) => {
    const mod = await import(path.join(root, file));
    const exported = Object.entries(mod).filter(([, v]) => typeof v === "function") as [string, (input: unknown) => Promise<unknown>][];
    expect(exported.length).toBeGreaterThan(0);
    for (const [name, fn] of exported) {
      if (PUBLIC_ACTIONS[file]?.includes(name)) continue;
      for (const [ctx, status] of [
        [signedOut, 401],
        [noRole, 403],
      ] as const) {
        context = ctx;
        const before = await lastEventId();
        await expect(fn({}), `${file} ${name} as ${ctx.actor ? "a user with no role" : "a signed-out caller"}`).rejects.toMatchObject({
          digest: digest(status),
        });
        const denied = await deniedSince(before);
        expect(denied, `${name} audits its refusal`).toHaveLength(1);
        expect(denied[0].actorId).toBe(ctx.actor?.userId ?? null);
      }
    }
  });

  it("that is public validates its input and audits the attempt", async () => {
    context = signedOut;
    for (const [file, names] of Object.entries(PUBLIC_ACTIONS)) {
      const mod = await import(path.join(root, file));
      for (const name of names) {
        const before = await lastEventId();
        const result = (await mod[name]({ token: "x" })) as { validationErrors?: unknown };
        expect(result.validationErrors, `${name} rejects bad input`).toBeDefined();
        const events = await store.prisma.auditEvent.findMany({ where: { id: { gt: before } } });
        expect(events.map((e) => e.result)).toEqual(["started", "failed"]);
      }
    }
  });
});

describe("every route handler", () => {
  it("is found in the source", () => {
    expect(routeFiles.map(rel)).toEqual(expect.arrayContaining(["app/api/audit/export/route.ts"]));
  });

  it.each(routeFiles.map((f) => [rel(f)]).filter(([f]) => !PUBLIC_ROUTES[f]))("in %s answers 401 signed out and 403 without a role, audited", async (file) => {
    const mod = await import(path.join(root, file));
    const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => typeof mod[m] === "function");
    expect(methods.length).toBeGreaterThan(0);
    for (const m of methods) {
      expect(mod[m].guard, `${file} ${m} is built with guardedRoute`).toBeDefined();
      for (const [ctx, status] of [
        [signedOut, 401],
        [noRole, 403],
      ] as const) {
        context = ctx;
        const before = await lastEventId();
        const res: Response = await mod[m](new Request("http://localhost/x", { method: m }), { params: Promise.resolve({}) });
        expect(res.status, `${file} ${m}`).toBe(status);
        expect(await deniedSince(before)).toHaveLength(1);
      }
    }
  });
});
