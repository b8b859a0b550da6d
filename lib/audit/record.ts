import type { Store } from "../store/client";
import { scrubParams, type AuditParams } from "./params";
import { auditObjectText, storableOrNull, storableText } from "./storable";

/** "started": written before an allowed call runs; its outcome (ok or failed) follows with the same request id. */
export type AuditResult = "started" | "ok" | "denied" | "failed";

export interface AuditEntry {
  /** A user id; null when the caller is not signed in; "system" for Custodian itself. */
  actorId: string | null;
  actorRoles: readonly string[];
  /** dotted verb: "users.create", "auth.sign_in", "page.view" */
  action: string;
  /** What it acted on, by id: "user:…", "relation:shop.comments.user_id" (at most AUDIT_OBJECT_MAX characters kept) */
  object?: string | null;
  params?: AuditParams;
  result: AuditResult;
  reason?: string | null;
  requestId: string;
}

/** Appends one event. The store refuses to change or delete it afterwards (a trigger). */
export async function recordAudit(store: Store, e: AuditEntry): Promise<void> {
  await store.prisma.auditEvent.create({
    data: {
      actorId: storableOrNull(e.actorId),
      actorRoles: e.actorRoles.map(storableText),
      action: storableText(e.action),
      object: auditObjectText(e.object),
      params: scrubParams(e.params),
      result: e.result,
      reason: storableOrNull(e.reason?.slice(0, 1000)),
      requestId: storableText(e.requestId),
    },
  });
}
