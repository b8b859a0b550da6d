"use server";
import { revalidatePath } from "next/cache";
import { action } from "../auth/action";
import { serverConfig } from "../server/config";
import { TargetPool } from "../targets/pool";
import { previewRestore, restoreSubject } from "./restore";
import { previewRestoreSchema, restoreSchema, searchSchema } from "./restore.validation";
import { searchSoftDeleted } from "./search";
import { tableOfName } from "./tables";
import { refreshAfter } from "../sweeps/refresh";

/** Each call opens the targets it needs and closes them, whatever happened. */
async function withPool<T>(fn: (pool: TargetPool) => Promise<T>): Promise<T> {
  const pool = new TargetPool(serverConfig().targets);
  try {
    return await fn(pool);
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
    const config = serverConfig();
    const result = await withPool((pool) => restoreSubject(ctx.store, config, pool, parsedInput.table, parsedInput.key));
    // The backlog and the counts of what hangs below the table changed: the pages show them at once.
    await refreshAfter(ctx.store, config, { tables: [tableOfName(result.table)] });
    revalidatePath("/restore");
    revalidatePath("/soft-deletes");
    revalidatePath("/");
    return result;
  });
