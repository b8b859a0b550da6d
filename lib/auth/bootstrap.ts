import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { recordAudit } from "../audit/record";
import type { Store } from "../store/client";
import { dataDir } from "../store/paths";
import type { Auth } from "./auth";
import { ROLES, type Role } from "./permissions";
import { activeAdminCount, createPasswordUser } from "./users";
import { issueSetupToken, revokeServerSetupTokens } from "./setup-tokens";
import { publicUrl } from "./origin";

export interface DemoCredential {
  role: Role;
  email: string;
  password: string;
}

export const demoEmail = (role: Role) => `${role}@demo.custodian.local`;
export const demoCredentialsFile = (env: Record<string, string | undefined> = process.env) => path.join(dataDir(env), "demo-credentials.json");

/**
 * Accounts at start. There is no default password, ever:
 * - CUSTODIAN_ADMIN_EMAIL + CUSTODIAN_ADMIN_PASSWORD create that admin when absent (automated deployments);
 * - in demo mode, one user per role with a random password, kept in the data folder and printed;
 * - otherwise, while no active admin exists, a one-time setup link is printed on the console.
 */
export async function bootstrapAccounts(
  auth: Auth,
  store: Store,
  opts: { demo: boolean; env?: Record<string, string | undefined>; log: (line: string) => void },
): Promise<{ demo?: DemoCredential[]; setupUrl?: string }> {
  const env = opts.env ?? process.env;
  const out: { demo?: DemoCredential[]; setupUrl?: string } = {};
  const email = env.CUSTODIAN_ADMIN_EMAIL?.trim().toLowerCase();
  if (email && env.CUSTODIAN_ADMIN_PASSWORD) {
    if (!(await store.prisma.user.findUnique({ where: { email }, select: { id: true } }))) {
      const user = await createPasswordUser(auth, store, { email, name: "Administrator", password: env.CUSTODIAN_ADMIN_PASSWORD, roles: ["admin"] });
      await systemAudit(store, "users.create", `user:${user.id}`, { roles: ["admin"], source: "CUSTODIAN_ADMIN_EMAIL" });
      opts.log(`created the admin account given by CUSTODIAN_ADMIN_EMAIL`);
    }
  } else if (email || env.CUSTODIAN_ADMIN_PASSWORD) {
    opts.log("CUSTODIAN_ADMIN_EMAIL and CUSTODIAN_ADMIN_PASSWORD go together: set both to create the first admin");
  }
  if (opts.demo) {
    out.demo = await ensureDemoUsers(auth, store, env);
    opts.log("demo accounts (one per role; passwords are random, kept in " + path.relative(process.cwd(), demoCredentialsFile(env)) + "):");
    for (const c of out.demo) opts.log(`  ${c.role.padEnd(8)} ${c.email}  ${c.password}`);
  }
  if ((await activeAdminCount(store)) === 0) {
    await revokeServerSetupTokens(store);
    const { token, expiresAt } = await issueSetupToken(store, { roles: ["admin"], createdBy: null, hours: 24 });
    out.setupUrl = `${publicUrl(env)}/setup?token=${token}`;
    opts.log(`no admin yet: create the first one at ${out.setupUrl} (one use, until ${expiresAt.toISOString()})`);
  }
  return out;
}

async function ensureDemoUsers(auth: Auth, store: Store, env: Record<string, string | undefined>): Promise<DemoCredential[]> {
  const file = demoCredentialsFile(env);
  const saved: DemoCredential[] = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : [];
  const result: DemoCredential[] = [];
  const ctx = await auth.$context;
  for (const role of ROLES) {
    const email = demoEmail(role);
    const known = saved.find((c) => c.email === email);
    const existing = await store.prisma.user.findUnique({ where: { email }, select: { id: true } });
    if (existing && known) {
      result.push(known);
      continue;
    }
    const password = randomBytes(12).toString("base64url");
    if (existing) {
      // The store outlived the credentials file: give the demo user a new password.
      await ctx.internalAdapter.updatePassword(existing.id, await ctx.password.hash(password));
    } else {
      const user = await createPasswordUser(auth, store, { email, name: `Demo ${role}`, password, roles: [role] });
      await systemAudit(store, "users.create", `user:${user.id}`, { roles: [role], source: "demo" });
    }
    result.push({ role, email, password });
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2), { mode: 0o600 });
  return result;
}

function systemAudit(store: Store, action: string, object: string, params: Record<string, string | string[]>) {
  return recordAudit(store, { actorId: "system", actorRoles: [], action, object, params, result: "ok", requestId: `startup-${process.pid}` });
}
