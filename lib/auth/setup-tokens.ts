import { createHash, randomBytes } from "node:crypto";
import type { Store } from "../store/client";
import type { Auth } from "./auth";
import { refused, UserError } from "../errors/user-error";
import { mayInvite } from "./invitations";
import type { Role } from "./permissions";
import { createPasswordUser, type Tx } from "./users";

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * A one-time link that creates an account with the given roles: the first admin's (printed
 * on the server console) or an invitation (made by an admin). Only its hash is stored.
 */
export async function issueSetupToken(
  store: Store,
  opts: { roles: Role[]; createdBy: string | null; hours?: number },
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + (opts.hours ?? 72) * 3600_000);
  const { id } = await store.prisma.setupToken.create({
    data: { tokenHash: hashOf(token), roles: opts.roles, createdBy: opts.createdBy, expiresAt },
    select: { id: true },
  });
  return { id, token, expiresAt };
}

/** What a valid, unused token grants (null when it is unknown, used, expired, revoked, or its maker may no longer invite). */
export async function peekSetupToken(store: Store, token: string): Promise<{ roles: string[] } | null> {
  const row = await store.prisma.setupToken.findUnique({ where: { tokenHash: hashOf(token) } });
  if (!row || row.usedAt || row.expiresAt <= new Date() || !(await makerMayInvite(store.prisma, row.createdBy))) return null;
  return { roles: row.roles };
}

/**
 * An invitation is worth what its maker is: it works only while the admin who made it is
 * active and may still manage users (invitations.ts `mayInvite`). Checked when it is used,
 * not only when listed: a deactivated admin's link must not create an account (let alone
 * an admin). With `lock`, inside a transaction, the maker's row is locked (FOR UPDATE)
 * until that transaction ends: a deactivation or demotion under way is waited for and seen.
 */
export async function makerMayInvite(db: Store["prisma"] | Tx, createdBy: string | null, lock = false): Promise<boolean> {
  if (createdBy === null) return true; // the server's own first-admin link
  const [maker] = lock
    ? await db.$queryRaw<{ active: boolean; roles: string[] }[]>`SELECT active, roles FROM users WHERE id = ${createdBy} FOR UPDATE`
    : [await db.user.findUnique({ where: { id: createdBy }, select: { active: true, roles: true } })];
  return mayInvite(maker);
}

class MakerCannotInvite extends UserError {
  constructor() {
    super("refused", "this invitation was made by an admin who can no longer invite (deactivated); ask an active admin for a new one");
  }
}

/** Creates the account a token grants. A token works once: a second use, even at the same moment, is refused. */
export async function redeemSetupToken(
  auth: Auth,
  store: Store,
  token: string,
  input: { email: string; name: string; password: string },
): Promise<{ id: string; roles: string[] }> {
  const row = await store.prisma.setupToken.findUnique({ where: { tokenHash: hashOf(token) } });
  const claimed = await store.prisma.setupToken.updateMany({
    where: { tokenHash: hashOf(token), usedAt: null, expiresAt: { gt: new Date() } },
    data: { usedAt: new Date() },
  });
  if (!row || claimed.count === 0) throw refused("this setup link was already used or has expired; ask for a new one");
  try {
    // Checked first for a precise answer, then again, locked, in the transaction that creates the
    // account: a deactivation cannot slip in between the check and the creation.
    if (!(await makerMayInvite(store.prisma, row.createdBy))) throw new MakerCannotInvite();
    const user = await createPasswordUser(auth, store, { ...input, roles: row.roles as Role[] }, async (tx) => {
      if (!(await makerMayInvite(tx, row.createdBy, true))) throw new MakerCannotInvite();
    });
    await store.prisma.setupToken.update({ where: { id: row.id }, data: { usedBy: user.id } });
    return { id: user.id, roles: row.roles };
  } catch (err) {
    // Its maker can no longer invite: claimed and left claimed, it never works again.
    if (err instanceof MakerCannotInvite) throw err;
    // The account was not created (a taken email, a short password): the link stays usable.
    await store.prisma.setupToken.update({ where: { id: row.id }, data: { usedAt: null } });
    throw err;
  }
}

/** Ends every unused first-admin link (a new start prints a fresh one). */
export async function revokeServerSetupTokens(store: Store): Promise<void> {
  await store.prisma.setupToken.updateMany({ where: { createdBy: null, usedAt: null }, data: { expiresAt: new Date() } });
}
