import type { Prisma } from "../../generated/prisma/client";
import type { Store } from "../store/client";
import type { AuditFilter } from "./filter";

export interface AuditRow {
  id: bigint;
  at: Date;
  actorId: string | null;
  actorRoles: string[];
  action: string;
  object: string | null;
  params: unknown;
  result: string;
  reason: string | null;
  requestId: string;
}

function where(f: AuditFilter): Prisma.AuditEventWhereInput {
  const at: Prisma.DateTimeFilter = {};
  if (f.from) at.gte = new Date(`${f.from}T00:00:00Z`);
  if (f.to) at.lt = new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000);
  return {
    ...(f.actor ? { actorId: f.actor } : {}),
    // "users" matches users.create, users.roles…; "users.create" only itself.
    ...(f.action ? { OR: [{ action: f.action }, { action: { startsWith: `${f.action}.` } }] } : {}),
    ...(f.result ? { result: f.result } : {}),
    ...(f.from || f.to ? { at } : {}),
  };
}

/** Newest first, a page at a time (keyset on id: cheap however long the trail). */
export async function listAuditEvents(store: Store, f: AuditFilter, limit = 50): Promise<{ rows: AuditRow[]; nextBefore: string | null }> {
  const rows = await store.prisma.auditEvent.findMany({
    where: { ...where(f), ...(f.before ? { id: { lt: BigInt(f.before) } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return { rows: page, nextBefore: more ? String(page[page.length - 1].id) : null };
}

/** Every matching event, newest first, in batches: an export never holds the trail in memory. */
export async function* streamAuditEvents(store: Store, f: AuditFilter, batch = 1000): AsyncGenerator<AuditRow> {
  let before = f.before ? BigInt(f.before) : null;
  for (;;) {
    const rows = await store.prisma.auditEvent.findMany({
      where: { ...where(f), ...(before != null ? { id: { lt: before } } : {}) },
      orderBy: { id: "desc" },
      take: batch,
    });
    yield* rows;
    if (rows.length < batch) return;
    before = rows[rows.length - 1].id;
  }
}

/** Display names for actor ids (the trail stores ids only). */
export async function actorNames(store: Store, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => !!i && i !== "system"))];
  const users = wanted.length ? await store.prisma.user.findMany({ where: { id: { in: wanted } }, select: { id: true, email: true } }) : [];
  return new Map(users.map((u) => [u.id, u.email]));
}

/** Every user's display name, for an export (users are few; events are many). */
export async function allActorNames(store: Store): Promise<Map<string, string>> {
  const users = await store.prisma.user.findMany({ select: { id: true, email: true } });
  return new Map(users.map((u) => [u.id, u.email]));
}
