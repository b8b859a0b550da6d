"use server";
import { revalidatePath } from "next/cache";
import { action } from "@/lib/auth/action";
import { ExpectedError } from "@/lib/auth/errors";
import { serverConfig } from "@/lib/server/config";
import { previewRestore, restoreSubject, RestoreRefused } from "@/lib/softdelete/restore";
import { searchSoftDeleted } from "@/lib/softdelete/search";
import { UnknownSoftDeleteTable } from "@/lib/softdelete/tables";
import { isTargetError } from "@/lib/targets/errors";
import { TargetPool } from "@/lib/targets/pool";
import { previewRestoreSchema, restoreSchema, searchSchema } from "./restore.validation";

/** A target's or the config's refusal ("cannot reach target shop", "past grace") is shown as it is. */
async function withPool<T>(fn: (pool: TargetPool) => Promise<T>): Promise<T> {
  const pool = new TargetPool(serverConfig().targets);
  try {
    return await fn(pool);
  } catch (err) {
    if (err instanceof RestoreRefused || err instanceof UnknownSoftDeleteTable || isTargetError(err)) throw new ExpectedError((err as Error).message);
    throw err;
  } finally {
    await pool.close();
  }
}

// The searched value (an email) is never audited: only the table is.
export const searchRestoreAction = action
  .metadata({ action: "restore.search", permission: "restore.search", audit: ["table"], object: ["table", "table"] })
  .inputSchema(searchSchema)
  .action(async ({ parsedInput }) => withPool((pool) => searchSoftDeleted(serverConfig(), pool, parsedInput.table, parsedInput.query)));

export const previewRestoreAction = action
  .metadata({ action: "restore.preview", permission: "restore.search", audit: ["table", "key"], object: ["account", "key"] })
  .inputSchema(previewRestoreSchema)
  .action(async ({ parsedInput, ctx }) => withPool((pool) => previewRestore(ctx.store, serverConfig(), pool, parsedInput.table, parsedInput.key)));

export const restoreAction = action
  .metadata({ action: "restore.run", permission: "restore.run", audit: ["table", "key"], object: ["account", "key"] })
  .inputSchema(restoreSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await withPool((pool) => restoreSubject(ctx.store, serverConfig(), pool, parsedInput.table, parsedInput.key));
    revalidatePath("/restore");
    revalidatePath("/soft-deletes");
    return result;
  });
