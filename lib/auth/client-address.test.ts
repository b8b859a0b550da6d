import { describe, expect, it } from "vitest";
import { clientAddress, trustedProxies } from "./client-address";

describe("the client's address", () => {
  const none = trustedProxies({});
  const proxies = trustedProxies({ CUSTODIAN_TRUSTED_PROXIES: " 10.0.0.0/8, 192.0.2.1 ,::1" });

  it("is the socket's peer unless the peer is a trusted proxy", () => {
    expect(clientAddress("203.0.113.9", { forwardedFor: "1.2.3.4", realIp: "5.6.7.8" }, none)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", { forwardedFor: "1.2.3.4" }, proxies)).toBe("203.0.113.9");
    expect(clientAddress("203.0.113.9", { forwardedFor: "1.2.3.4" }, proxies)).toBe("203.0.113.9");
  });

  it("walks X-Forwarded-For from the right, skipping trusted hops", () => {
    expect(clientAddress("10.0.0.5", { forwardedFor: "6.6.6.6, 198.51.100.7, 10.1.1.1, 192.0.2.1" }, proxies)).toBe("198.51.100.7");
    expect(clientAddress("::ffff:10.0.0.5", { forwardedFor: "198.51.100.7" }, proxies)).toBe("198.51.100.7");
    expect(clientAddress("::1", { forwardedFor: "[2001:db8::1]" }, proxies)).toBe("2001:db8::1");
    // every hop trusted: the first
    expect(clientAddress("10.0.0.5", { forwardedFor: "10.9.9.9, 10.1.1.1" }, proxies)).toBe("10.9.9.9");
    // a hop that is not an address: nothing from it leftwards is believed
    expect(clientAddress("10.0.0.5", { forwardedFor: "198.51.100.7, garbage" }, proxies)).toBe("10.0.0.5");
  });

  it("accepts hops that carry a port (the port is not part of the address)", () => {
    expect(clientAddress("10.0.0.5", { forwardedFor: "1.2.3.4:5678" }, proxies)).toBe("1.2.3.4");
    expect(clientAddress("10.0.0.5", { forwardedFor: "[2001:db8::1]:443" }, proxies)).toBe("2001:db8::1");
    expect(clientAddress("10.0.0.5", { forwardedFor: "6.6.6.6, 198.51.100.7:40001, 10.1.1.1:80" }, proxies)).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.5", { realIp: "198.51.100.8:1234" }, proxies)).toBe("198.51.100.8");
    // a bare IPv6 address is not mistaken for one with a port
    expect(clientAddress("10.0.0.5", { forwardedFor: "2001:db8::2" }, proxies)).toBe("2001:db8::2");
    // a port that is not a port is still a malformed hop
    expect(clientAddress("10.0.0.5", { forwardedFor: "198.51.100.7, 1.2.3.4:http" }, proxies)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", { forwardedFor: "198.51.100.7, [2001:db8::1]:99999" }, proxies)).toBe("10.0.0.5");
  });

  it("takes X-Real-IP from a trusted proxy that sends no X-Forwarded-For", () => {
    expect(clientAddress("10.0.0.5", { realIp: "198.51.100.8" }, proxies)).toBe("198.51.100.8");
    expect(clientAddress("10.0.0.5", { realIp: "nonsense" }, proxies)).toBe("10.0.0.5");
  });

  it("refuses a CUSTODIAN_TRUSTED_PROXIES entry that is not an address or CIDR, naming it", () => {
    for (const bad of ["10.0.0.0/33", "proxy.internal", "10.0.0.0/8/1", "10.0.0.1/x", "::1/129"]) {
      expect(() => trustedProxies({ CUSTODIAN_TRUSTED_PROXIES: `192.0.2.1,${bad}` })).toThrow(`"${bad}" is not an IP address or CIDR`);
    }
  });
});
