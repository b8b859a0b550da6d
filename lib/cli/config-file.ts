import { existsSync } from "node:fs";
import path from "node:path";
import { configPathFrom, DEFAULT_CONFIG_FILE, loadConfig } from "../config/load";
import type { Config } from "../config/types";
import { env } from "../env";
import { usageError } from "../errors/user-error";

/**
 * The config a command runs against: --config, else CUSTODIAN_CONFIG, else
 * ./custodian.config.yaml. When none was named and the default is missing, the person is
 * most likely trying Custodian for the first time: say how to run it against the demo.
 */
export function requireConfig(flag: string | undefined): Config {
  const file = configPathFrom(flag);
  if (flag === undefined && !env().CUSTODIAN_CONFIG && !existsSync(file)) {
    throw usageError(
      `no config found: ${DEFAULT_CONFIG_FILE} is not in ${path.dirname(file)} and neither --config nor CUSTODIAN_CONFIG names one. ` +
        `To try Custodian on the demo databases: custodian demo, then custodian <command> --config demo/custodian.config.yaml`,
    );
  }
  return loadConfig(file);
}

/** The verify commands need no config; one given (or present where it is looked for) is read for its webhook. */
export function optionalConfig(flag: string | undefined): Config | null {
  if (flag !== undefined || env().CUSTODIAN_CONFIG) return loadConfig(configPathFrom(flag));
  const file = configPathFrom(undefined, {});
  return existsSync(file) ? loadConfig(file) : null;
}
