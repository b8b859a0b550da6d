import path from "node:path";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import type { TargetSpec } from "../../config/types";
import { acquirePGlite, PGliteFolderMissingError, type PGliteHandle } from "../../pglite/shared";
import { TargetError } from "../errors";
import { PostgresFamilyTarget } from "../postgres/target";
import { SerialLock } from "../serial";

/** Embedded PostgreSQL (the demo's "shop"): Postgres SQL over PGlite's single connection. */
export class PGliteTarget extends PostgresFamilyTarget {
  readonly inProcess = true;

  private constructor(
    spec: TargetSpec,
    db: Kysely<any>,
    private handle: PGliteHandle,
  ) {
    // PGlite has one session per folder, shared by every Target on it in this process.
    super(spec.name, "pglite", db, SerialLock.of(`pglite:${path.resolve(spec.url)}`));
  }

  static async open(spec: TargetSpec): Promise<PGliteTarget> {
    let handle: PGliteHandle;
    try {
      handle = await acquirePGlite(spec.url, { purpose: `target ${spec.name}` });
    } catch (err) {
      const kind = err instanceof PGliteFolderMissingError ? "unreachable" : "locked";
      throw new TargetError(kind, spec.name, `cannot open target "${spec.name}": ${(err as Error).message}`, err);
    }
    const db = new Kysely<any>({ dialect: new PGliteDialect(handle.db) });
    return new PGliteTarget(spec, db, handle);
  }

  protected async closeDriver() {
    // The PGlite instance may be shared with another user in this process: release, don't destroy.
    await this.handle.release();
  }
}
