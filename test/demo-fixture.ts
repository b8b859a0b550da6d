import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../lib/config/load";
import type { Config } from "../lib/config/types";
import { buildDemo, DEMO_CONFIG } from "../lib/demo/build";

/** A private copy of the demo databases and their config (the committed config points at ./data beside it). */
export async function privateDemo(extraYaml = ""): Promise<{ dir: string; configFile: string; config: Config; dispose(): void }> {
  const dir = mkdtempSync(path.join(tmpdir(), "custodian-demo-"));
  const configFile = path.join(dir, "custodian.config.yaml");
  cpSync(DEMO_CONFIG, configFile);
  if (extraYaml) (await import("node:fs")).appendFileSync(configFile, `\n${extraYaml}\n`);
  await buildDemo({ dir: path.join(dir, "data") });
  return { dir, configFile, config: loadConfig(configFile), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
