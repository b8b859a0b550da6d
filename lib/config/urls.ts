import path from "node:path";
import type { Dialect } from "./types";

const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Turns a config `url` into a connection string. Server URLs must be `${ENV_VAR}`
 * references so credentials never sit in the config file (or in Custodian's store);
 * a literal is allowed only for local files, resolved against the config's folder.
 */
export function resolveTargetUrl(raw: string, dialect: Dialect, env: Record<string, string | undefined>, baseDir: string): string {
  const ref = ENV_REF.exec(raw.trim());
  let url = raw.trim();
  if (ref) {
    const value = env[ref[1]];
    if (value === undefined || value === "") throw new Error(`environment variable ${ref[1]} is not set`);
    url = value;
  } else if (!isLocalFileUrl(url)) {
    throw new Error(
      `expected an environment variable reference such as "\${${dialect.toUpperCase()}_DATABASE_URL}"; literal URLs are allowed only for local files (file:…)`,
    );
  }
  if (dialect === "sqlite" || dialect === "pglite") {
    if (!isLocalFileUrl(url)) throw new Error(`expected a file: URL or path for a ${dialect} target`);
    return filePathOf(url, baseDir);
  }
  if (dialect === "postgres" && !/^postgres(ql)?:\/\//.test(url)) throw new Error("expected a postgres:// URL");
  if (dialect === "mysql" && !/^(mysql|mariadb):\/\//.test(url)) throw new Error("expected a mysql:// URL");
  return url;
}

function isLocalFileUrl(url: string): boolean {
  return url.startsWith("file:") || url === ":memory:" || url.startsWith("memory://");
}

function filePathOf(url: string, baseDir: string): string {
  if (url === ":memory:" || url.startsWith("memory://")) return url;
  const p = url.replace(/^file:(\/\/)?/, "");
  return path.isAbsolute(p) ? p : path.resolve(baseDir, p);
}

/** The alert webhook: an env reference (it may carry a token) or a literal http(s) URL. */
export function resolveWebhookUrl(raw: string, env: Record<string, string | undefined>): string {
  const ref = ENV_REF.exec(raw.trim());
  const url = ref ? env[ref[1]] : raw.trim();
  if (ref && !url) throw new Error(`environment variable ${ref[1]} is not set`);
  if (!/^https?:\/\//.test(url!)) throw new Error('expected an http:// or https:// URL, or a reference such as "${ALERT_WEBHOOK_URL}"');
  return url!;
}
