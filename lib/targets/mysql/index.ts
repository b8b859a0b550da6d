import type { TargetDialect } from "../dialect";
import { readMysqlLoad } from "./load";
import { mysqlAdapter } from "./adapter";
import { createMysqlConstraints } from "./constraints";
import { openMysqlDriver } from "./driver";
import { mapMysqlError } from "./errors";
import { createMysqlIntrospector, type MysqlIntrospector } from "./introspector";
import { createMysqlStatements } from "./statements";

/** MySQL 8 and MariaDB 10.x (mysql2). */
export const mysql: TargetDialect<MysqlIntrospector> = {
  adapter: mysqlAdapter,
  mapError: mapMysqlError,
  openDriver: openMysqlDriver,
  createIntrospector: createMysqlIntrospector,
  readLoad: readMysqlLoad,
  createStatements: createMysqlStatements,
  createConstraints: createMysqlConstraints,
};
