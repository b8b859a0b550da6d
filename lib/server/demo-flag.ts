/**
 * Whether these variables say demo mode (CUSTODIAN_DEMO=1, set by `npm start` when it runs the
 * demo). Reads only what it is given: scripts/start.ts asks it without loading lib/env.ts (zod),
 * lib/server/mode.ts asks it of the process's checked variables.
 */
export function demoModeIn(vars: Record<string, string | undefined>): boolean {
  return vars.CUSTODIAN_DEMO === "1";
}
