import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { cache } from "react";
import { getStore } from "../store/web";
import { createAuth, type Auth } from "./auth";
import { isRole, type Role } from "./permissions";
import { hasSessionCookie } from "./session-cookie";

/** The signed-in person as every check sees them. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  roles: Role[];
}

export interface RequestContext {
  actor: Actor | null;
  requestId: string;
}

const holder = globalThis as unknown as { __custodianAuth?: Promise<Auth> };

/** The auth library, built once per process on the store the server holds. */
export function getAuth(): Promise<Auth> {
  holder.__custodianAuth ??= getStore()
    .then((store) => createAuth(store))
    .catch((err) => {
      holder.__custodianAuth = undefined;
      throw err;
    });
  return holder.__custodianAuth;
}

/**
 * Who is asking, once per request. Roles and `active` are read from the store on every
 * request, so a role taken away or a deactivation takes effect at once.
 */
export const requestContext = cache(async (): Promise<RequestContext> => {
  const h = await headers();
  const requestId = h.get("x-request-id") ?? randomUUID();
  // No session cookie, no session: a signed-out page (sign-in) is answered without the store,
  // which may still be opening just after the server started (instrumentation.ts).
  if (!hasSessionCookie(h)) return { actor: null, requestId };
  const session = await (await getAuth()).api.getSession({ headers: h });
  if (!session) return { actor: null, requestId };
  const store = await getStore();
  const user = await store.prisma.user.findUnique({
    where: { id: session.user.id },
    select: { id: true, email: true, name: true, roles: true, active: true },
  });
  if (!user?.active) return { actor: null, requestId };
  return { actor: { userId: user.id, email: user.email, name: user.name, roles: user.roles.filter(isRole) }, requestId };
});
