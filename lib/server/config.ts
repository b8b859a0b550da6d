import "server-only";
import { configPathFrom, loadConfig } from "../config/load";
import type { Config } from "../config/types";

/** The server's config: CUSTODIAN_CONFIG or ./custodian.config.yaml (the start script picks the demo's). */
export function serverConfig(): Config {
  return loadConfig(configPathFrom(undefined));
}
