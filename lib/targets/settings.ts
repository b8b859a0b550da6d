import type { TargetSpec } from "../config/types";

/** Keys whose values are secret or may carry one (connection URLs hold passwords). */
const SECRET_KEY = /url|password|secret|token|credential|key/i;

/**
 * Where a target is, as people may read it: host, port, database and user of a server
 * URL (never its password or query), the path of a file.
 */
export function describeLocation(dialect: TargetSpec["dialect"], url: string): string {
  if (dialect === "sqlite" || dialect === "pglite") return url;
  try {
    const u = new URL(url);
    const user = u.username ? ` as ${decodeURIComponent(u.username)}` : "";
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname.length > 1 ? u.pathname : ""}${user}`;
  } catch {
    return "(a URL that cannot be shown)";
  }
}

/**
 * A target's protection settings, whatever keys its config has beyond name, dialect and
 * url (connection limits, a replica to read from, lag limits…), each as text: a URL shown
 * as its location only, any other secret-looking key as "set".
 */
export function protectionSettings(spec: TargetSpec): { key: string; value: string }[] {
  return Object.entries(spec as unknown as Record<string, unknown>)
    .filter(([key, value]) => !["name", "dialect", "url"].includes(key) && value !== undefined)
    .map(([key, value]) => ({ key, value: shown(spec, key, value) }));
}

function shown(spec: TargetSpec, key: string, value: unknown): string {
  if (/url/i.test(key) && typeof value === "string") return describeLocation(spec.dialect, value);
  if (SECRET_KEY.test(key)) return "set (not shown)";
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A message with the target's URL, and the password in it, taken out: a driver may quote what it was given. */
export function withoutSecrets(message: string, spec: TargetSpec): string {
  let out = message.split(spec.url).join(describeLocation(spec.dialect, spec.url));
  try {
    const password = decodeURIComponent(new URL(spec.url).password);
    if (password) out = out.split(password).join("***");
  } catch {
    // a file path: nothing secret in it
  }
  return out;
}
