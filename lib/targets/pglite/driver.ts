import path from "node:path";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import type { TargetSpec } from "../../config/types";
import { acquirePGlite, PGliteFolderMissingError, type PGliteHandle } from "../../pglite/shared";
import type { Driver } from "../driver";
import { TargetError } from "../errors";
import { SerialLock } from "../serial";

/** PGlite's single session on a folder, shared by every Target on it in this process. */
export async function openPGliteDriver(spec: TargetSpec): Promise<Driver> {
  let handle: PGliteHandle;
  try {
    handle = await acquirePGlite(spec.url, { purpose: `target ${spec.name}` });
  } catch (err) {
    const kind = err instanceof PGliteFolderMissingError ? "unreachable" : "locked";
    throw new TargetError(kind, spec.name, `cannot open target "${spec.name}": ${(err as Error).message}`, err);
  }
  return {
    db: new Kysely<any>({ dialect: new PGliteDialect(handle.db) }),
    // One session per folder: one turn at a time for every Target on it.
    serial: SerialLock.of(`pglite:${path.resolve(spec.url)}`),
    // The PGlite instance may be shared with another user in this process: release, don't destroy.
    close: () => handle.release(),
  };
}
