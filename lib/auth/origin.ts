/**
 * Where people reach Custodian: CUSTODIAN_URL, else http://localhost:<PORT>. Sign-in
 * requests from any other origin are refused by the auth library (CSRF), and the
 * session cookie is marked Secure whenever this is https.
 */
export function publicUrl(env: Record<string, string | undefined> = process.env): string {
  return (env.CUSTODIAN_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, "");
}

/** The same server reached as localhost or 127.0.0.1 is the same origin to a person. */
export function trustedOrigins(url: string): string[] {
  const u = new URL(url);
  const origins = new Set([u.origin]);
  if (u.hostname === "localhost") origins.add(u.origin.replace("//localhost", "//127.0.0.1"));
  if (u.hostname === "127.0.0.1") origins.add(u.origin.replace("//127.0.0.1", "//localhost"));
  return [...origins];
}

/**
 * Strict-Transport-Security when Custodian is reached over https (CUSTODIAN_URL): the
 * browser then never tries plain http for it again, where the session cookie could be
 * stripped or a sign-in page swapped. None over http (a browser ignores it there anyway,
 * and localhost must stay usable).
 */
export function strictTransportSecurity(env: Record<string, string | undefined> = process.env): string | null {
  return publicUrl(env).startsWith("https:") ? "max-age=31536000; includeSubDomains" : null;
}

/**
 * Set by the proxy alone (it drops one a client sends) on a cross-origin server action it
 * hands to /api/audit/refused to be recorded: `{ reason, action, path }` as JSON.
 */
export const REFUSED_ACTION_HEADER = "x-custodian-refused-action";
export const REFUSED_ACTION_ROUTE = "/api/audit/refused";

/**
 * Why Next.js will refuse this request as a cross-origin server action (CSRF), or null
 * when it will not. The same test Next applies (its action handler): a POST that is a
 * server action (a `next-action` header, or a form post) whose Origin's host is not the
 * request's x-forwarded-host (first) or Host. No Origin is let through, as Next does.
 * The proxy uses it to record the refusal, which Next itself only logs.
 */
export function refusedActionOrigin(method: string, headers: Headers): string | null {
  if (method !== "POST") return null;
  const type = headers.get("content-type") ?? "";
  const isAction = headers.has("next-action") || type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded");
  const origin = headers.get("origin");
  if (!isAction || origin === null) return null;
  let originHost: string;
  try {
    originHost = origin === "null" ? "null" : new URL(origin).host;
  } catch {
    originHost = "";
  }
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  if (host && originHost === host) return null;
  return `cross-origin server action: origin ${origin.slice(0, 100)} is not ${host ? host.slice(0, 100) : "this server (no Host header)"}`;
}
