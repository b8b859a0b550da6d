import { describe, expect, it } from "vitest";
import { hasSessionCookie } from "./session-cookie";

const withCookie = (cookie?: string) => new Headers(cookie === undefined ? {} : { cookie });

describe("hasSessionCookie", () => {
  it("finds Custodian's session cookie, plain or with the __Secure- prefix (https)", () => {
    expect(hasSessionCookie(withCookie("custodian.session_token=abc.def"))).toBe(true);
    expect(hasSessionCookie(withCookie("theme=dark; __Secure-custodian.session_token=abc.def"))).toBe(true);
  });

  it("finds none without a cookie, or with other cookies only (another app's session included)", () => {
    expect(hasSessionCookie(withCookie())).toBe(false);
    expect(hasSessionCookie(withCookie("theme=dark"))).toBe(false);
    expect(hasSessionCookie(withCookie("better-auth.session_token=abc.def"))).toBe(false);
    expect(hasSessionCookie(withCookie("custodian.session_data=xyz"))).toBe(false);
  });
});
