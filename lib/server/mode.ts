import { env } from "../env";

/** Demo mode: `npm start` with no config of its own runs the demo (scripts/start.ts sets this). */
export function isDemo(vars: Record<string, string | undefined> = env()): boolean {
  return vars.CUSTODIAN_DEMO === "1";
}

/**
 * Where the web server listens: --hostname, else HOST, else 127.0.0.1 in demo mode (whose
 * account passwords are printed on the console: not for the network), else every interface
 * (undefined).
 */
export function listenHostname(env: Record<string, string | undefined>, given?: string): string | undefined {
  return given?.trim() || env.HOST?.trim() || (isDemo(env) ? "127.0.0.1" : undefined);
}
