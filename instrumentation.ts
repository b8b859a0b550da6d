export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` loads the server too; only a running server owns the store.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startup } = await import("./lib/server/startup");
  try {
    await startup();
  } catch (err) {
    // The pages show what is wrong (bad config, busy store); the server stays up to say so.
    console.error(`custodian: startup failed: ${(err as Error).message}`);
  }
}
