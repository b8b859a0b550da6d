/** The request id the audit trail and the logs carry is the server's, never the client's. */
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
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
