/** Demo mode: `npm start` with no config of its own runs the demo (scripts/start.ts sets this). */
export function isDemo(env: Record<string, string | undefined> = process.env): boolean {
  return env.CUSTODIAN_DEMO === "1";
}
