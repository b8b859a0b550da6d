import { env } from "../env";
import { demoModeIn } from "./demo-flag";

export { listenHostname } from "./listen-hostname";

/** Demo mode: `npm start` with no config of its own runs the demo (scripts/start.ts sets this). */
export function isDemo(vars: Record<string, string | undefined> = env()): boolean {
  return demoModeIn(vars);
}
