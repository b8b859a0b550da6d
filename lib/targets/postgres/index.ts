import type { TargetDialect } from "../dialect";
import { readPostgresLoad } from "./load";
import { postgresAdapter } from "./adapter";
import { createPostgresConstraints } from "./constraints";
import { openPostgresDriver } from "./driver";
import { mapPostgresError } from "./errors";
import { createPostgresIntrospector, type PostgresIntrospector } from "./introspector";
import { createPostgresStatements } from "./statements";

/** PostgreSQL (pg). */
export const postgres: TargetDialect<PostgresIntrospector> = {
  adapter: postgresAdapter,
  mapError: mapPostgresError,
  openDriver: openPostgresDriver,
  createIntrospector: createPostgresIntrospector,
  readLoad: readPostgresLoad,
  createStatements: createPostgresStatements,
  createConstraints: createPostgresConstraints,
};
