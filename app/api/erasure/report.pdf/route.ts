import { Readable } from "node:stream";
import { allActorNames } from "@/lib/audit/query";
import { guardedRoute } from "@/lib/auth/guard";
import { attachment, exportFileName } from "@/lib/export-name";
import { verifyChain } from "@/lib/erasure/evidence";
import { evidenceScopeSchema, scopeLabel } from "@/lib/erasure/export";
import { evidencePdf } from "@/lib/erasure/report-pdf";
import { getRequest } from "@/lib/erasure/requests";
import { subjectLabel } from "@/lib/erasure/subjects";
import { getStore } from "@/lib/store/web";

/** The evidence report a DPO files, for one subject (?request=) or a period (?from=&to=). */
export const GET = guardedRoute(
  { action: "evidence.export_pdf", permission: "evidence.export", query: evidenceScopeSchema, audit: ["request", "from", "to"] },
  async ({ query, actor }) => {
    const store = await getStore();
    const request = query.request ? await getRequest(store, query.request) : null;
    if (query.request && !request) return new Response("No such erasure request.", { status: 404 });
    const doc = evidencePdf(store, query, {
      scopeLabel: scopeLabel(query, request ? subjectLabel(request) : undefined),
      generatedBy: actor.email || actor.name,
      generatedAt: new Date(),
      chain: await verifyChain(store),
      names: await allActorNames(store),
    });
    const name = request
      ? exportFileName(`erasure-evidence-${request.id.slice(0, 8)}`, "pdf")
      : exportFileName(`erasure-evidence-${query.from}-to-${query.to}`, "pdf");
    return new Response(Readable.toWeb(doc) as ReadableStream<Uint8Array>, {
      headers: { "content-type": "application/pdf", "content-disposition": attachment(name), "cache-control": "no-store" },
    });
  },
);
