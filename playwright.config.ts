import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e",
  // The server serves before its first sweep ends; the tests expect the demo's numbers.
  globalSetup: "./e2e/first-sweep.ts",
  outputDir: "e2e/artifacts/test-results",
  timeout: 60_000,
  // A page's first visit renders live reads (targets, sightings) on a 2-core machine: an assertion waits up to 15 s for it.
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download cannot run on these machines.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "retain-on-failure",
  },
  webServer: {
    // A private demo and store, so the browser tests see exactly the demo's orphans.
    command: `node --import tsx e2e/server.ts --port ${PORT}`,
    // Ready, not merely answering: the server answers while startup still opens the store and makes the accounts.
    url: `http://127.0.0.1:${PORT}/api/ready`,
    // a build when stale, then the demo's start: it replays the demo's month (31 sweeps), slow on a loaded machine
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
