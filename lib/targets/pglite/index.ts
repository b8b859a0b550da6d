import type { TargetDialect } from "../dialect";
import { postgres } from "../postgres";
import type { PostgresIntrospector } from "../postgres/introspector";
import { openPGliteDriver } from "./driver";

/**
 * Embedded PostgreSQL (the demo's "shop"): PostgreSQL's introspector, statements and
 * errors over PGlite's single in-process connection.
 */
export const pglite: TargetDialect<PostgresIntrospector> = {
  ...postgres,
  adapter: { ...postgres.adapter, inProcess: true },
  openDriver: openPGliteDriver,
  // One in-process session: no replicas, no other backends to count.
  readLoad: undefined,
};
