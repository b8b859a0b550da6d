import { z } from "zod";
import { AuditWriteError, mustRecord } from "@/lib/audit/must-record";
import { REFUSED_ACTION_HEADER } from "@/lib/auth/origin";
import { requestContext } from "@/lib/auth/session";
import { getStore } from "@/lib/store/web";

const refusalSchema = z.object({ reason: z.string().max(500), action: z.string().max(200).nullable(), path: z.string().max(2000) });

/**
 * A server action from another origin, handed here by the proxy (proxy.ts) instead of to
 * Next's action handler, which would refuse it without a record. Recorded as denied, then
 * answered 403. The proxy drops that header from every client request and answers 404 to
 * any direct request for this route: without it there is nothing here.
 */
export async function POST(request: Request): Promise<Response> {
  // the header, or the rewrite's query (proxy.ts: a rewrite's headers do not survive every server)
  const refusal = refusalSchema.safeParse(parseJson(request.headers.get(REFUSED_ACTION_HEADER) ?? new URL(request.url).searchParams.get("refusal")));
  if (!refusal.success) return new Response("Not found.", { status: 404 });
  const { actor, requestId } = await requestContext();
  const { reason, action, path } = refusal.data;
  try {
    await mustRecord(await getStore(), {
      actorId: actor?.userId ?? null,
      actorRoles: actor?.roles ?? [],
      action: "server_action.cross_origin",
      object: action ? `server_action:${action}` : `page:${path}`,
      result: "denied",
      reason,
      requestId,
    });
  } catch (err) {
    if (err instanceof AuditWriteError) return new Response(err.message, { status: 500 });
    throw err;
  }
  return new Response("Refused: a server action sent from another origin.", { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function parseJson(text: string | null): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
