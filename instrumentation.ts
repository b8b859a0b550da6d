export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` loads the server too; only a running server owns the store.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startup } = await import("./lib/server/startup");
  const { getJobs } = await import("./lib/server/jobs");
  try {
    await startup();
  } catch (err) {
    // The pages show what is wrong (bad config, busy store); the server stays up to say so.
    console.error(`custodian: startup failed: ${(err as Error).message}`);
  }
  // The job queue (scheduled sweeps, "Scan now") starts beside the server, not before it.
  getJobs().then(
    () => console.error("custodian: job queue started (scheduled sweeps, on-demand sweeps)"),
    (err) => console.error(`custodian: job queue failed to start: ${(err as Error).message}`),
  );
}
