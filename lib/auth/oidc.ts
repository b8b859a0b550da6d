import { genericOAuth } from "better-auth/plugins/generic-oauth";

export const OIDC_PROVIDER_ID = "sso";

/**
 * Single sign-on for teams that have it: set CUSTODIAN_OIDC_ISSUER (the issuer URL; its
 * /.well-known/openid-configuration is read), CUSTODIAN_OIDC_CLIENT_ID and
 * CUSTODIAN_OIDC_CLIENT_SECRET. A person signing in this way for the first time gets an
 * account with no role: an admin grants roles on the Users page.
 */
export function oidcConfig(env: Record<string, string | undefined>) {
  const issuer = env.CUSTODIAN_OIDC_ISSUER;
  if (!issuer) return null;
  const clientId = env.CUSTODIAN_OIDC_CLIENT_ID;
  const clientSecret = env.CUSTODIAN_OIDC_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    throw new Error("CUSTODIAN_OIDC_ISSUER is set: CUSTODIAN_OIDC_CLIENT_ID and CUSTODIAN_OIDC_CLIENT_SECRET are needed too");
  }
  return {
    providerId: OIDC_PROVIDER_ID,
    discoveryUrl: `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    scopes: ["openid", "email", "profile"],
    pkce: true,
  };
}

export function oidcPlugins(env: Record<string, string | undefined>) {
  const config = oidcConfig(env);
  return config ? [genericOAuth({ config: [config] })] : [];
}

export function oidcEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.CUSTODIAN_OIDC_ISSUER);
}
