import type { TargetDialect } from "../dialect";
import { readPostgresLoad } from "./load";
import { postgresAdapter } from "./adapter";
import { createPostgresConstraints } from "./constraints";
import { mapPostgresError } from "./errors";
import { createPostgresIntrospector, type PostgresIntrospector } from "./introspector";
import { createPostgresStatements } from "./statements";

/** PostgreSQL (pg). */
export const postgres: TargetDialect<PostgresIntrospector> = {
  adapter: postgresAdapter,
  mapError: mapPostgresError,
  // pg is loaded by the driver alone: the PGlite dialect shares everything here but the driver
  openDriver: async (spec) => (await import("./driver")).openPostgresDriver(spec),
  createIntrospector: createPostgresIntrospector,
  readLoad: readPostgresLoad,
  createStatements: createPostgresStatements,
  createConstraints: createPostgresConstraints,
};
