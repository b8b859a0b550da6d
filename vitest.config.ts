import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // server-only throws outside React Server Components; tests call the same modules directly.
      "server-only": path.resolve(import.meta.dirname, "test/empty-module.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Native drivers (better-sqlite3) and PGlite's wasm are happiest in forked workers.
    pool: "forks",
    testTimeout: 120_000,
    // Under CI, a failed test runs once more before it fails the run: the integration tests
    // drive real servers and worker processes on a shared 2-core machine, where a wait can
    // miss its window. A test that fails twice is a failure; the retry is printed.
    retry: process.env.CI === "true" ? 1 : 0,
    hookTimeout: 120_000,
  },
});
