import "server-only";
import { configHolder, type ConfigHolder } from "../config/current";
import { configPathFrom, loadConfig } from "../config/load";
import type { Config } from "../config/types";
import { errorFields, log } from "../log/logger";

// On globalThis: Next.js may evaluate this module more than once in one process (one per bundle).
const slot = globalThis as unknown as { __custodianConfig?: ConfigHolder };

function holder(): ConfigHolder {
  if (!slot.__custodianConfig) {
    // CUSTODIAN_CONFIG or ./custodian.config.yaml (the start script picks the demo's)
    slot.__custodianConfig = configHolder(() => loadConfig(configPathFrom(undefined)));
    // The deliberate reload: `kill -HUP <pid>` after editing the file. A bad file is logged and the running config stays.
    process.on("SIGHUP", () => {
      try {
        reloadServerConfig();
        log().info({ component: "config" }, "config reloaded (SIGHUP)");
      } catch (err) {
        log().error({ component: "config", ...errorFields(err) }, "config not reloaded: the file is invalid; the previous config stays in use");
      }
    });
  }
  return slot.__custodianConfig;
}

/** The server's config, loaded once per process. */
export function serverConfig(): Config {
  return holder().get();
}

/** Reads the file again; the current config is replaced only when the new one is valid. */
export function reloadServerConfig(): Config {
  return holder().reload();
}
