import { describe, expect, it } from "vitest";
import { refusedActionOrigin, strictTransportSecurity } from "./origin";

const action = (h: Record<string, string>) => new Headers({ "next-action": "7f00aa", ...h });

describe("the origin check of server actions", () => {
  it("refuses a server action whose Origin is another host, as Next.js does", () => {
    expect(refusedActionOrigin("POST", action({ origin: "https://evil.example", host: "custodian.local:3000" }))).toBe(
      "cross-origin server action: origin https://evil.example is not custodian.local:3000",
    );
    expect(refusedActionOrigin("POST", action({ origin: "null", host: "custodian.local" }))).toMatch(/origin null is not/);
    // a form post is a server action too
    expect(
      refusedActionOrigin("POST", new Headers({ origin: "https://evil.example", host: "c.local", "content-type": "multipart/form-data; boundary=x" })),
    ).not.toBeNull();
    // the forwarded host, when a reverse proxy sets it, is what the Origin must match
    expect(refusedActionOrigin("POST", action({ origin: "http://c.local", host: "c.local", "x-forwarded-host": "public.example" }))).not.toBeNull();
  });

  it("lets through what Next.js lets through", () => {
    expect(refusedActionOrigin("POST", action({ origin: "http://c.local:3000", host: "c.local:3000" }))).toBeNull();
    expect(
      refusedActionOrigin("POST", action({ origin: "https://public.example", host: "127.0.0.1:3000", "x-forwarded-host": "public.example, inner" })),
    ).toBeNull();
    expect(refusedActionOrigin("POST", action({ host: "c.local" }))).toBeNull(); // no Origin: a hand-made request, no cookies of a browser's
    expect(refusedActionOrigin("GET", action({ origin: "https://evil.example", host: "c.local" }))).toBeNull();
    expect(refusedActionOrigin("POST", new Headers({ origin: "https://evil.example", host: "c.local", "content-type": "application/json" }))).toBeNull();
  });
});

describe("Strict-Transport-Security", () => {
  it("is sent when CUSTODIAN_URL is https, not otherwise", () => {
    expect(strictTransportSecurity({ CUSTODIAN_URL: "https://custodian.example.com" })).toBe("max-age=31536000; includeSubDomains");
    expect(strictTransportSecurity({ CUSTODIAN_URL: "http://custodian.internal:3000" })).toBeNull();
    expect(strictTransportSecurity({ PORT: "3000" })).toBeNull();
  });
});
