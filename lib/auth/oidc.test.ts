import { describe, expect, it } from "vitest";
import { oidcConfig, oidcEnabled, oidcPlugins } from "./oidc";
import { trustedOrigins } from "./origin";

describe("single sign-on configuration", () => {
  it("is off unless an issuer is set", () => {
    expect(oidcConfig({})).toBeNull();
    expect(oidcPlugins({})).toEqual([]);
    expect(oidcEnabled({})).toBe(false);
  });

  it("reads the issuer's discovery document, with PKCE and the OpenID scopes", () => {
    const c = oidcConfig({
      CUSTODIAN_OIDC_ISSUER: "https://sso.example.com/realms/ops/",
      CUSTODIAN_OIDC_CLIENT_ID: "custodian",
      CUSTODIAN_OIDC_CLIENT_SECRET: "s",
    });
    expect(c).toMatchObject({
      providerId: "sso",
      discoveryUrl: "https://sso.example.com/realms/ops/.well-known/openid-configuration",
      clientId: "custodian",
      pkce: true,
      scopes: ["openid", "email", "profile"],
    });
    expect(oidcPlugins({ CUSTODIAN_OIDC_ISSUER: "https://sso.example.com", CUSTODIAN_OIDC_CLIENT_ID: "c", CUSTODIAN_OIDC_CLIENT_SECRET: "s" })).toHaveLength(1);
  });

  it("says which half is missing instead of starting without it", () => {
    expect(() => oidcConfig({ CUSTODIAN_OIDC_ISSUER: "https://sso.example.com" })).toThrow(/CUSTODIAN_OIDC_CLIENT_ID and CUSTODIAN_OIDC_CLIENT_SECRET/);
  });
});

describe("trusted origins", () => {
  it("treat localhost and 127.0.0.1 on the same port as the same place", () => {
    expect(trustedOrigins("http://localhost:3000")).toEqual(["http://localhost:3000", "http://127.0.0.1:3000"]);
    expect(trustedOrigins("https://custodian.example.com")).toEqual(["https://custodian.example.com"]);
  });
});
