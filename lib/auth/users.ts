import { randomUUID } from "node:crypto";
import type { Store } from "../store/client";
import type { Auth } from "./auth";
import { notFound, refused, usageError } from "../errors/user-error";
import { isRole, type Role } from "./permissions";

export interface NewUser {
  email: string;
  name: string;
  password: string;
  roles: Role[];
}

/**
 * Creates a user who signs in with a password: the auth library hashes it (scrypt), and the
 * user and its "credential" account are written in one transaction. `guard` runs first in
 * that transaction (a redeemed invitation locks and checks its maker there): what it checks
 * cannot change before the user exists.
 */
export async function createPasswordUser(auth: Auth, store: Store, input: NewUser, guard?: (tx: Tx) => Promise<void>): Promise<{ id: string }> {
  const email = input.email.trim().toLowerCase();
  const roles = checkRoles(input.roles);
  const ctx = await auth.$context;
  if (input.password.length < ctx.password.config.minPasswordLength) {
    throw usageError(`the password needs at least ${ctx.password.config.minPasswordLength} characters`);
  }
  const taken = () => refused("a user with this email already exists");
  if (await store.prisma.user.findUnique({ where: { email }, select: { id: true } })) throw taken();
  // Hashed before the transaction: scrypt is slow, and a guard's lock is held until commit.
  const hash = await ctx.password.hash(input.password);
  try {
    return await store.prisma.$transaction(async (tx) => {
      await guard?.(tx);
      const user = await tx.user.create({ data: { id: randomUUID(), email, name: input.name.trim(), emailVerified: true, roles }, select: { id: true } });
      await tx.account.create({ data: { id: randomUUID(), userId: user.id, providerId: "credential", accountId: user.id, password: hash } });
      return user;
    });
  } catch (err) {
    // The same email created at the same moment by someone else.
    if ((err as { code?: unknown }).code === "P2002") throw taken();
    throw err;
  }
}

/** Replaces a user's roles; the last active admin keeps the admin role. */
export async function setRoles(store: Store, userId: string, roles: Role[]): Promise<void> {
  const next = checkRoles(roles);
  await withAdminsLocked(store, async (tx, admins) => {
    await findUser(tx, userId);
    if (admins.includes(userId) && !next.includes("admin")) assertAnotherAdmin(admins, userId, "remove the admin role from");
    await tx.user.update({ where: { id: userId }, data: { roles: next } });
  });
}

/**
 * Deactivates (or reactivates) a user. A deactivated user's sessions and unused
 * invitations end at once. Users are never deleted: the audit trail refers to them.
 */
export async function setActive(auth: Auth, store: Store, userId: string, active: boolean, by?: string): Promise<void> {
  if (!active && by === userId) throw refused("you cannot deactivate yourself; ask another admin");
  await withAdminsLocked(store, async (tx, admins) => {
    await findUser(tx, userId);
    if (!active && admins.includes(userId)) assertAnotherAdmin(admins, userId, "deactivate");
    await tx.user.update({ where: { id: userId }, data: { active } });
    // Their unused invitations die with their account (for good: reactivating does not revive them).
    if (!active) await tx.setupToken.updateMany({ where: { createdBy: userId, usedAt: null, expiresAt: { gt: new Date() } }, data: { expiresAt: new Date() } });
  });
  if (!active) await (await auth.$context).internalAdapter.deleteUserSessions(userId);
}

export async function activeAdminCount(store: Store): Promise<number> {
  return store.prisma.user.count({ where: { active: true, roles: { has: "admin" } } });
}

export type Tx = Parameters<Parameters<Store["prisma"]["$transaction"]>[0]>[0];

/**
 * Runs a change to who is an active admin in one transaction that first locks every
 * active admin's row (FOR UPDATE, in id order): two admins deactivating each other at
 * once are serialized, and the second sees the first's change (a row changed while it
 * waited is read again) and is refused as the last admin.
 */
async function withAdminsLocked(store: Store, change: (tx: Tx, activeAdmins: string[]) => Promise<void>): Promise<void> {
  await store.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE active AND 'admin' = ANY(roles) ORDER BY id FOR UPDATE`;
    await change(
      tx,
      rows.map((r) => r.id),
    );
  });
}

async function findUser(tx: Tx, userId: string) {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { roles: true, active: true } });
  if (!user) throw notFound("no such user");
  return user;
}

function assertAnotherAdmin(activeAdmins: string[], userId: string, verb: string) {
  if (!activeAdmins.some((id) => id !== userId)) throw refused(`cannot ${verb} the last active admin; make someone else an admin first`);
}

function checkRoles(roles: readonly string[]): Role[] {
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length) throw usageError(`unknown role ${bad.join(", ")}`);
  return [...new Set(roles as Role[])];
}
