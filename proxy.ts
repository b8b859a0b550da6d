import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy } from "./lib/auth/csp";
import { REFUSED_ACTION_HEADER, REFUSED_ACTION_ROUTE, refusedActionOrigin, strictTransportSecurity } from "./lib/auth/origin";

/**
 * Every request: a fresh CSP nonce, a request id (for the audit trail and the logs), and
 * the security headers. The request id is always made here: one sent by the client is
 * replaced, so no caller chooses what its audit records are filed under. A server action
 * Next.js would refuse as cross-origin (CSRF) never reaches Next's action handler, which
 * only logs it: it is handed to a route that records the refusal and answers 403. Authentication is checked where the data is, in pages, actions
 * and route handlers (lib/auth/guard.ts, lib/auth/action.ts), not here.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", https: request.nextUrl.protocol === "https:" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-request-id", crypto.randomUUID());
  requestHeaders.set("x-nonce", nonce);
  // the 403 page names the role the refused page needs (set here, so a client cannot choose it)
  requestHeaders.set("x-pathname", request.nextUrl.pathname);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.delete(REFUSED_ACTION_HEADER);
  const refusal = refusedActionOrigin(request.method, request.headers);
  if (refusal) {
    const action = request.headers.get("next-action");
    requestHeaders.set(REFUSED_ACTION_HEADER, JSON.stringify({ reason: refusal, action, path: request.nextUrl.pathname }));
    requestHeaders.delete("next-action");
  }
  // The route that records refusals is reached only through this proxy's rewrite, never asked for
  // directly. Behind Custodian's own HTTP server the rewritten request passes through here again:
  // it carries this process's token, which no client knows.
  if (request.nextUrl.pathname === REFUSED_ACTION_ROUTE && request.nextUrl.searchParams.get("internal") !== internalToken()) {
    return new NextResponse("Not found.", { status: 404 });
  }
  const response = refusal
    ? NextResponse.rewrite(refusedActionUrl(request, requestHeaders), { request: { headers: requestHeaders } })
    : NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-frame-options", "DENY");
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "same-origin");
  response.headers.set("x-request-id", requestHeaders.get("x-request-id")!);
  const hsts = strictTransportSecurity();
  if (hsts) response.headers.set("strict-transport-security", hsts);
  return response;
}

/**
 * The refusal travels in the rewrite's URL as well as in a request header: behind Custodian's
 * own HTTP server (scripts/serve.ts) Next applies a proxy's request headers to a plain pass-through
 * but not to a rewrite (the rewritten request comes through the proxy a second time). Requests for the
 * route without this process's token are refused above, so only this proxy writes it.
 */
function refusedActionUrl(request: NextRequest, headers: Headers): URL {
  const url = new URL(REFUSED_ACTION_ROUTE, request.url);
  url.searchParams.set("refusal", headers.get(REFUSED_ACTION_HEADER) ?? "");
  url.searchParams.set("internal", internalToken());
  return url;
}

/** A random token per process, made once (kept on globalThis in case the module is loaded twice). */
function internalToken(): string {
  const g = globalThis as { __custodianProxyToken?: string };
  g.__custodianProxyToken ??= crypto.randomUUID();
  return g.__custodianProxyToken;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
