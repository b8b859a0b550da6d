import { allActorNames } from "@/lib/audit/query";
import { guardedRoute } from "@/lib/auth/guard";
import { csvResponse } from "@/lib/csv";
import { exportFileName } from "@/lib/export-name";
import { CSV_HEADER, evidenceCsvRows, evidenceScopeSchema } from "@/lib/erasure/export";
import { getStore } from "@/lib/store/web";

/** Evidence of one subject (?request=) or of a period (?from=&to=), a line per table checked. */
export const GET = guardedRoute(
  { action: "evidence.export_csv", permission: "evidence.export", query: evidenceScopeSchema, audit: ["request", "from", "to"] },
  async ({ query }) => {
    const store = await getStore();
    const names = await allActorNames(store);
    const name = query.request
      ? exportFileName(`erasure-evidence-${query.request.slice(0, 8)}`, "csv")
      : exportFileName(`erasure-evidence-${query.from}-to-${query.to}`, "csv");
    return csvResponse(name, CSV_HEADER, evidenceCsvRows(store, query, names));
  },
);
