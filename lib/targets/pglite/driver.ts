import path from "node:path";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import type { PGlite } from "@electric-sql/pglite";
import type { TargetSpec } from "../../config/types";
import { acquirePGliteQueries, PGliteFolderMissingError, type PGliteHandle } from "../../pglite/shared";
import type { PGliteQueries } from "../../pglite/thread";
import type { Driver } from "../driver";
import { TargetError } from "../errors";
import { SerialLock } from "../serial";

/** PGlite's single session on a folder, shared by every Target on it in this process. */
export async function openPGliteDriver(spec: TargetSpec): Promise<Driver> {
  let handle: PGliteHandle<PGliteQueries>;
  try {
    handle = await acquirePGliteQueries(spec.url, { purpose: `target ${spec.name}` });
  } catch (err) {
    const kind = err instanceof PGliteFolderMissingError ? "unreachable" : "locked";
    throw new TargetError(kind, spec.name, `cannot open target "${spec.name}": ${(err as Error).message}`, err);
  }
  return {
    // the dialect sends every statement through query() (BEGIN and COMMIT too): all a PGlite in a
    // worker thread answers (lib/pglite/thread.ts)
    db: new Kysely<any>({ dialect: new PGliteDialect(handle.db as PGlite) }),
    // One session per folder: one turn at a time for every Target on it.
    serial: SerialLock.of(`pglite:${path.resolve(spec.url)}`),
    // The PGlite instance may be shared with another user in this process: release, don't destroy.
    close: () => handle.release(),
  };
}
