import { guardedRoute } from "@/lib/auth/guard";
import { auditFilterSchema } from "@/lib/audit/filter";
import { allActorNames, streamAuditEvents } from "@/lib/audit/query";
import { csvResponse } from "@/lib/csv";
import { exportFileName } from "@/lib/export-name";
import { getStore } from "@/lib/store/web";

export const GET = guardedRoute(
  { action: "audit.export", permission: "audit.export", query: auditFilterSchema, audit: ["actor", "action", "result", "from", "to"] },
  async ({ query }) => {
    const store = await getStore();
    const names = await allActorNames(store);
    async function* rows() {
      for await (const e of streamAuditEvents(store, query)) {
        yield [e.id, e.at, e.actorId, names.get(e.actorId ?? "") ?? "", e.actorRoles.join(" "), e.action, e.object, e.params, e.result, e.reason, e.requestId];
      }
    }
    return csvResponse(
      exportFileName("audit", "csv"),
      ["id", "at", "actor_id", "actor", "roles", "action", "object", "params", "result", "reason", "request_id"],
      rows(),
    );
  },
);
