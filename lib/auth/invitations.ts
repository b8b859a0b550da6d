import type { Store } from "../store/client";
import { refused } from "../errors/user-error";
import { can, isRole } from "./permissions";

/**
 * The one rule of whether an admin's invitations work, used both to list them (the Users
 * page) and to redeem them (setup-tokens.ts): its maker is active and may still manage users.
 */
export function mayInvite(maker: { active: boolean; roles: string[] } | null | undefined): boolean {
  return !!maker?.active && can(maker.roles.filter(isRole), "users.manage");
}

export interface PendingInvitation {
  id: string;
  roles: string[];
  createdAt: Date;
  expiresAt: Date;
  maker: { id: string; name: string; email: string };
}

/** Invitations made by admins that can still be used: not used, not expired or revoked. Newest first. */
export async function pendingInvitations(store: Store, now = new Date()): Promise<PendingInvitation[]> {
  const rows = await store.prisma.setupToken.findMany({
    where: { createdBy: { not: null }, usedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { id: true, roles: true, createdAt: true, expiresAt: true, createdBy: true },
  });
  const makers = await store.prisma.user.findMany({
    where: { id: { in: rows.map((r) => r.createdBy!) } },
    select: { id: true, name: true, email: true, active: true, roles: true },
  });
  const byId = new Map(makers.map((m) => [m.id, m]));
  // A deactivated or demoted maker's invitations are dead even if something left them unexpired:
  // listed are exactly those a redeem would accept.
  return rows
    .filter((r) => mayInvite(byId.get(r.createdBy!)))
    .map((r) => {
      const m = byId.get(r.createdBy!)!;
      return { id: r.id, roles: r.roles, createdAt: r.createdAt, expiresAt: r.expiresAt, maker: { id: m.id, name: m.name, email: m.email } };
    });
}

/** Ends an unused invitation now (its link stops working). */
export async function revokeInvitation(store: Store, id: string): Promise<void> {
  const now = new Date();
  const n = await store.prisma.setupToken.updateMany({
    where: { id, createdBy: { not: null }, usedAt: null, expiresAt: { gt: now } },
    data: { expiresAt: now },
  });
  if (n.count === 0) throw refused("this invitation was already used, has expired or was revoked");
}
