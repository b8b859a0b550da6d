import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "../store/paths";

/**
 * The key that signs session cookies: BETTER_AUTH_SECRET when set (required when several
 * web processes share a PostgreSQL store), else one generated on first start and kept in
 * the data folder (readable by its owner only), so sessions survive a restart.
 */
export function authSecret(env: Record<string, string | undefined> = process.env): string {
  const given = env.BETTER_AUTH_SECRET;
  if (given) {
    if (given.length < 32) throw new Error("BETTER_AUTH_SECRET must be at least 32 characters");
    return given;
  }
  const file = path.join(dataDir(env), "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
  return secret;
}
