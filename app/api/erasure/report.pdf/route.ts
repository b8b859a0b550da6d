import { Readable } from "node:stream";
import { guardedRoute } from "@/lib/auth/guard";
import { attachment } from "@/lib/export-name";
import { evidencePdfExport } from "@/lib/erasure/evidence-export";
import { evidenceScopeSchema } from "@/lib/erasure/export";
import { getStore } from "@/lib/store/web";

/** The evidence report a DPO files, for one subject (?request=) or a period (?from=&to=). */
export const GET = guardedRoute(
  { action: "evidence.export_pdf", permission: "evidence.export", query: evidenceScopeSchema, audit: ["request", "from", "to"] },
  async ({ query, actor }) => {
    const report = await evidencePdfExport(await getStore(), query, actor.email || actor.name);
    if (!report) return new Response("No such erasure request.", { status: 404 });
    return new Response(Readable.toWeb(report.doc) as ReadableStream<Uint8Array>, {
      headers: { "content-type": "application/pdf", "content-disposition": attachment(report.fileName), "cache-control": "no-store" },
    });
  },
);
