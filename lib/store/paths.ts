import path from "node:path";

/** Custodian's data folder (embedded store, archives): CUSTODIAN_DATA_DIR or ./.custodian */
export function dataDir(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(/* turbopackIgnore: true */ env.CUSTODIAN_DATA_DIR || ".custodian");
}

export function embeddedStoreDir(env: Record<string, string | undefined> = process.env): string {
  return path.join(dataDir(env), "store");
}
