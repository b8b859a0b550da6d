import { demoModeIn } from "./demo-flag";

/**
 * Where the web server listens: --hostname, else HOST, else 127.0.0.1 in demo mode (whose
 * account passwords are printed on the console: not for the network), else every interface
 * (undefined).
 */
export function listenHostname(env: Record<string, string | undefined>, given?: string): string | undefined {
  return given?.trim() || env.HOST?.trim() || (demoModeIn(env) ? "127.0.0.1" : undefined);
}
