/** What the audit page reads: one page of events, the names of their actors, and everyone for the actor filter. */
import type { Store } from "../store/client";
import { userChoices } from "../users/queries";
import type { AuditFilter } from "./filter";
import { actorNames, listAuditEvents } from "./query";

export async function auditPage(store: Store, filter: AuditFilter) {
  const [{ rows, nextBefore }, users] = await Promise.all([listAuditEvents(store, filter), userChoices(store)]);
  const names = await actorNames(
    store,
    rows.map((r) => r.actorId),
  );
  return { rows, nextBefore, users, names };
}
