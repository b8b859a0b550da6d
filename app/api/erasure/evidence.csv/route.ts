import { guardedRoute } from "@/lib/auth/guard";
import { csvResponse } from "@/lib/csv";
import { evidenceCsvExport } from "@/lib/erasure/evidence-export";
import { evidenceScopeSchema } from "@/lib/erasure/export";
import { getStore } from "@/lib/store/web";

/** Evidence of one subject (?request=) or of a period (?from=&to=), a line per table checked. */
export const GET = guardedRoute(
  { action: "evidence.export_csv", permission: "evidence.export", query: evidenceScopeSchema, audit: ["request", "from", "to"] },
  async ({ query }) => {
    const { fileName, header, rows } = await evidenceCsvExport(await getStore(), query);
    return csvResponse(fileName, header, rows);
  },
);
