/**
 * The proxy in front of every request: the request id the audit trail and the logs carry
 * is the server's, never the client's; a cross-origin server action goes to the route
 * that records its refusal, not to Next's action handler.
 */
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { REFUSED_ACTION_HEADER } from "../lib/auth/origin";
import { proxy } from "../proxy";

const forwarded = (res: Response) => res.headers.get("x-middleware-request-x-request-id");

describe("the proxy's request id", () => {
  it("ignores the one a client sends and makes its own, a fresh one each request", () => {
    const chosen = "attacker-chosen-request-id";
    const a = proxy(new NextRequest("http://localhost:3000/audit", { headers: { "x-request-id": chosen } }));
    const b = proxy(new NextRequest("http://localhost:3000/audit", { headers: { "x-request-id": chosen } }));
    expect(forwarded(a)).toMatch(/^[0-9a-f-]{36}$/);
    expect(forwarded(a)).not.toBe(chosen);
    expect(forwarded(b)).not.toBe(forwarded(a));
    // the response names the same id the request carries on, so a person can quote it
    expect(a.headers.get("x-request-id")).toBe(forwarded(a));
  });
});

describe("a cross-origin server action", () => {
  const post = (headers: Record<string, string>) =>
    proxy(new NextRequest("http://c.local:3000/users", { method: "POST", headers: { host: "c.local:3000", "next-action": "7f00aa", ...headers }, body: "[]" }));

  it("is handed to the route that records it, without its action id", () => {
    const res = post({ origin: "https://evil.example" });
    const rewrite = new URL(res.headers.get("x-middleware-rewrite")!);
    expect(rewrite.origin + rewrite.pathname).toBe("http://c.local:3000/api/audit/refused");
    const refusal = {
      reason: "cross-origin server action: origin https://evil.example is not c.local:3000",
      action: "7f00aa",
      path: "/users",
    };
    expect(JSON.parse(res.headers.get(`x-middleware-request-${REFUSED_ACTION_HEADER}`)!)).toEqual(refusal);
    // and in the rewrite's URL, which survives behind Custodian's own HTTP server where request headers of a rewrite do not
    expect(JSON.parse(rewrite.searchParams.get("refusal")!)).toEqual(refusal);
    // the rewritten request, when a server sends it through the proxy again, is let through to the route
    const again = proxy(new NextRequest(rewrite, { method: "POST", headers: { host: "c.local:3000" } }));
    expect(again.status).toBe(200);
    expect(again.headers.get("x-middleware-next")).toBe("1");
    expect(res.headers.get("x-middleware-override-headers")).not.toMatch(/(^|,)next-action(,|$)/);
  });

  it("the recording route cannot be asked for directly (a client cannot write refusals through its query)", () => {
    const direct = proxy(
      new NextRequest(`http://c.local:3000/api/audit/refused?refusal=${encodeURIComponent('{"reason":"forged","action":null,"path":"/"}')}`, {
        method: "POST",
        headers: { host: "c.local:3000" },
      }),
    );
    expect(direct.status).toBe(404);
    expect(direct.headers.get("x-middleware-rewrite")).toBeNull();
  });

  it("from this origin goes on to the action, and a client cannot forge the refusal", () => {
    const res = post({ origin: "http://c.local:3000", [REFUSED_ACTION_HEADER]: '{"reason":"forged","action":null,"path":"/"}' });
    expect(res.headers.get("x-middleware-rewrite")).toBeNull();
    expect(res.headers.get(`x-middleware-request-${REFUSED_ACTION_HEADER}`)).toBeNull();
    expect(res.headers.get("x-middleware-override-headers")).not.toContain(REFUSED_ACTION_HEADER);
  });
});
