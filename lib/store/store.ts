import type { PGlite } from "@electric-sql/pglite";
import type { PrismaClient } from "../../generated/prisma/client";

/**
 * Custodian's own state. Embedded default: PGlite in the data folder. With
 * DATABASE_URL=postgres://… a real PostgreSQL (required to run several workers).
 */
export interface Store {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** Where it lives, without credentials. */
  location: string;
  /** The embedded store's PGlite (the job queue shares its one connection). */
  pglite?: PGlite;
  /** The PostgreSQL store's URL, for the job queue's own pool. Holds credentials: never log it. */
  connectionString?: string;
  /** The environment it was opened with (the evidence key is found through it). */
  env?: Record<string, string | undefined>;
  close(): Promise<void>;
}
