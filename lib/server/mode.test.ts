import { describe, expect, it } from "vitest";
import { listenHostname } from "./mode";

describe("where the web server listens", () => {
  it("is 127.0.0.1 in demo mode unless --hostname or HOST says otherwise", () => {
    expect(listenHostname({ CUSTODIAN_DEMO: "1" })).toBe("127.0.0.1");
    expect(listenHostname({ CUSTODIAN_DEMO: "1", HOST: "0.0.0.0" })).toBe("0.0.0.0");
    expect(listenHostname({ CUSTODIAN_DEMO: "1", HOST: "0.0.0.0" }, "10.0.0.2")).toBe("10.0.0.2");
  });

  it("is every interface outside demo mode, unless told", () => {
    expect(listenHostname({})).toBeUndefined();
    expect(listenHostname({ HOST: "127.0.0.1" })).toBe("127.0.0.1");
  });
});
