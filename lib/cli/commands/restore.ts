import { recordAudit } from "../../audit/record";
import type { Config } from "../../config/types";
import { parseKeyInput } from "../../softdelete/keys";
import { previewRestore, restoreSubject, RestoreRefused } from "../../softdelete/restore";
import { openStore } from "../../store/client";
import { TargetPool } from "../../targets/pool";
import { cliActor } from "../actor";
import { EXIT, formatCount, type Output } from "../io";
import { usageError } from "../../errors/user-error";

/**
 * `custodian restore --table TARGET.TABLE --key K [--execute]`: the preview by default
 * (what comes back, or why it cannot); with --execute, the restore. A refusal exits 1
 * with the reason on stderr (and in `reason` under --json).
 */
export async function restoreCommand(config: Config, out: Output, opts: { table: string; key: string; execute: boolean; as?: string }): Promise<number> {
  let key: string[];
  try {
    key = parseKeyInput(opts.key);
  } catch (err) {
    throw usageError(`--key: ${(err as Error).message}`);
  }
  const store = await openStore({ purpose: "custodian restore" });
  const pool = new TargetPool(config.targets);
  const refuse = (reason: string, extra: object) => {
    out.progress(`custodian: restore refused: ${reason}`);
    out.result({ ...extra, refused: true, reason }, () => `refused: ${reason}`);
    return EXIT.failed;
  };
  try {
    const preview = await previewRestore(store, config, pool, opts.table, key).catch((err) => {
      // A key with too few or too many parts is a usage error (exit 2), not a refusal.
      if (err instanceof RestoreRefused && err.code === "bad_key") throw usageError(`--key: ${err.message}`);
      throw err;
    });
    if (!opts.execute) {
      if (preview.refusal) return refuse(preview.refusal.reason, { dryRun: true, ...preview, refusal: undefined, code: preview.refusal.code });
      out.result({ dryRun: true, ...preview }, () =>
        [
          `${preview.table} ${key.join(", ")}: deleted ${preview.deletedAt}, restorable until ${preview.graceEndsAt}; it comes back with:`,
          ...preview.children.map((c) => `  ${c.table}: ${formatCount(c.rows)} rows`),
          "dry run: nothing changed; run again with --execute to restore",
        ].join("\n"),
      );
      return EXIT.ok;
    }
    const object = `account:${key.join(",")}`;
    const actor = await cliActor(store, opts.as, { action: "restore.run", permission: "restore.run", object });
    const audit = (result: "ok" | "failed", reason: string | null) =>
      recordAudit(store, {
        actorId: actor.userId,
        actorRoles: actor.roles,
        action: "restore.run",
        object,
        params: { table: opts.table, key, source: "cli" },
        result,
        reason,
        requestId: actor.requestId,
      });
    try {
      const r = await restoreSubject(store, config, pool, opts.table, key);
      await audit("ok", null);
      out.result({ ...r, ok: r.failed.length === 0 }, () =>
        [
          `restored ${r.table} ${key.join(", ")} in ${r.durationMs} ms with:`,
          ...r.restored.map((t) => `  ${t.table}: ${formatCount(t.rows)} rows`),
          ...r.failed.map((f) => `  NOT restored: ${f.table}: ${f.error}`),
          ...(r.accountUrl ? [`open it: ${r.accountUrl}`] : []),
        ].join("\n"),
      );
      if (r.failed.length) out.progress(`custodian: restore incomplete: ${r.failed.map((f) => `${f.table}: ${f.error}`).join("; ")}`);
      return r.failed.length ? EXIT.failed : EXIT.ok;
    } catch (err) {
      if (!(err instanceof RestoreRefused)) throw err;
      await audit("failed", err.message);
      return refuse(err.message, { table: preview.table, key, code: err.code });
    }
  } finally {
    await pool.close();
    await store.close();
  }
}
