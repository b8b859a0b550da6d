import type { Config } from "./types";

export interface ConfigHolder {
  /** The config this process runs on: read and validated on the first call, then the same object. */
  get(): Config;
  /**
   * Reads and validates the file again and, only if it is valid, makes it the current
   * config. A bad file throws (its ConfigError names the line) and the current one stays.
   */
  reload(): Config;
}

/**
 * One config per process, replaced only on purpose. Reading the YAML on every call let
 * one request see two versions of it (a page rendered with one, its action run with
 * another) and paid a parse and a validation each time.
 */
export function configHolder(load: () => Config): ConfigHolder {
  let current: Config | null = null;
  return {
    get: () => (current ??= load()),
    reload() {
      const next = load();
      current = next;
      return next;
    },
  };
}
