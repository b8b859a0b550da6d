export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` loads the server too; only a running server owns the store.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  // Loaded now, before the server listens: evaluating these modules (the auth library, zod's
  // schemas, the sweeps) blocks the thread for a second on a busy machine, and pages load most
  // of them anyway. Loaded after "serving", they held the first visitor's page instead.
  const { keepIdlePGlite } = await import("./lib/pglite/shared");
  const { startup } = await import("./lib/server/startup");
  const { getJobs, stopJobs } = await import("./lib/server/jobs");
  const { setPhase } = await import("./lib/server/readiness");
  const { stopGracefullyOnSignals } = await import("./lib/server/shutdown");
  const { startupMayBegin } = await import("./lib/server/first-page");
  const { errorFields, log } = await import("./lib/log/logger");
  // Pages read embedded (PGlite) targets through a fresh pool each: keep an opened folder for
  // the next request instead of paying 4–8 s to open it again (lib/pglite/shared.ts).
  keepIdlePGlite(15 * 60_000);
  const logger = log();
  stopGracefullyOnSignals(stopJobs, logger);
  // Next.js serves no request until register() returns, and opening the store (PGlite: seconds)
  // is most of startup: it runs beside the server instead. Pages await the same store
  // (lib/store/web.ts), a page with no signed-in person (sign-in) needs none, and /api/ready
  // answers 503 ("starting") until startup is over. Under Custodian's own web server it begins
  // once that server has answered its first page (lib/server/first-page.ts): PGlite opening the
  // store holds the thread that renders pages for seconds at a time.
  void startupMayBegin()
    .then(startup)
    .catch((err) => {
      // The pages show what is wrong (bad config, busy store); the server stays up to say so,
      // and /api/ready answers 503 with the reason until it is fixed.
      logger.error(errorFields(err), "startup failed");
    })
    .then(() => {
      // Startup is over; /api/ready still checks the store and the migrations.
      setPhase("serving");
      // The job queue (scheduled sweeps, "Scan now") starts beside the server, not before it.
      return getJobs().then(
        () => logger.info("job queue started (scheduled sweeps, on-demand sweeps)"),
        (err) => logger.error(errorFields(err), "job queue failed to start"),
      );
    });
}
