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
