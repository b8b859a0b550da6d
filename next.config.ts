import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and wasm drivers must be loaded by Node at run time, not bundled:
  // bundling PGlite breaks its file URL resolution (ERR_INVALID_ARG_TYPE … URL).
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "better-sqlite3",
    "kysely-pglite-dialect",
    "mysql2",
    "pg",
    "pg-boss",
    // reads its font metrics from its package folder at run time
    "pdfkit",
  ],
  poweredByHeader: false,
  // forbidden() and unauthorized(): the 403 and 401 pages of pages and server actions.
  experimental: { authInterrupts: true },
};

export default nextConfig;
