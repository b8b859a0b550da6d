/** What the users page reads from the store. */
import { pendingInvitations } from "../auth/invitations";
import type { Store } from "../store/client";

/** Every user, active first, with when each was last active (their latest session). */
export function listUsers(store: Store) {
  return store.prisma.user.findMany({
    orderBy: [{ active: "desc" }, { email: "asc" }],
    select: {
      id: true,
      email: true,
      name: true,
      roles: true,
      active: true,
      createdAt: true,
      sessions: { select: { updatedAt: true }, orderBy: { updatedAt: "desc" }, take: 1 },
    },
  });
}

/** The users page: every user and the invitations not used yet, with their makers. */
export async function usersPage(store: Store) {
  const [users, invitations] = await Promise.all([listUsers(store), pendingInvitations(store)]);
  return { users, invitations };
}

/** Everyone's email, for a filter's list of people. */
export function userChoices(store: Store) {
  return store.prisma.user.findMany({ select: { id: true, email: true }, orderBy: { email: "asc" } });
}
