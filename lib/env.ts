import { z } from "zod";
import { usageError } from "./errors/user-error";

/**
 * Every environment variable Custodian reads, in one zod schema, checked when a process
 * starts (the web server's startup, every CLI command) so a malformed value is named at
 * once instead of at the first request that needs it. An empty value counts as unset.
 * docs/configuration.md lists each one (lib/env.test.ts keeps the two in step).
 * Finer checks that need more than the value stay with their reader and run at start too
 * (the evidence key, the trusted proxies, the erasure schedule's cron).
 */
const text = z.string().min(1).optional();
const url = z.url().optional();
const flag = z.enum(["0", "1"]).optional();
const count = z.string().regex(/^\d+$/, "expected a whole number").optional();
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, "expected a postgres:// URL")
  .optional();

export const envSchema = z.object({
  CUSTODIAN_CONFIG: text,
  DATABASE_URL: postgresUrl,
  CUSTODIAN_MIGRATION_DATABASE_URL: postgresUrl,
  CUSTODIAN_DATA_DIR: text,
  CUSTODIAN_URL: url,
  PORT: count,
  HOST: text,
  BETTER_AUTH_SECRET: z.string().min(32, "use at least 32 characters").optional(),
  CUSTODIAN_ADMIN_EMAIL: z.email().optional(),
  CUSTODIAN_ADMIN_PASSWORD: text,
  CUSTODIAN_OIDC_ISSUER: url,
  CUSTODIAN_OIDC_CLIENT_ID: text,
  CUSTODIAN_OIDC_CLIENT_SECRET: text,
  CUSTODIAN_SIGN_IN_ATTEMPTS_PER_MINUTE: count,
  CUSTODIAN_SIGN_IN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE: count,
  CUSTODIAN_TRUSTED_PROXIES: text,
  CUSTODIAN_METRICS_TOKEN: text,
  CUSTODIAN_EVIDENCE_KEY: text,
  CUSTODIAN_ERASURE_SCHEDULE: text,
  CUSTODIAN_WEB_WORKERS: flag,
  CUSTODIAN_DEMO: flag,
  CUSTODIAN_DEBUG: text,
  // read leniently by lib/log/logger.ts: a bad value is warned about, never fatal
  CUSTODIAN_LOG_LEVEL: text,
  CUSTODIAN_LOG_FORMAT: text,
});

export type Env = z.infer<typeof envSchema>;
export const ENV_NAMES = Object.keys(envSchema.shape) as (keyof Env)[];

type RawEnv = Record<string, string | undefined>;

/** Checks the variables Custodian reads (others are not its business); every problem is named in one UserError. */
export function parseEnv(raw: RawEnv): Env {
  const set = Object.fromEntries(ENV_NAMES.filter((n) => raw[n]?.trim()).map((n) => [n, raw[n]!.trim()]));
  const parsed = envSchema.safeParse(set);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  throw usageError(`environment: ${problems.join("; ")}`);
}

const slot = globalThis as unknown as { __custodianEnv?: Env };

/** This process's environment, checked on the first call (the process's start) and kept. */
export function env(): Env {
  slot.__custodianEnv ??= parseEnv(process.env);
  return slot.__custodianEnv;
}
