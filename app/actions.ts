"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/auth/action";
import { sweepAndRecord } from "@/lib/detect/record";
import { serverConfig } from "@/lib/server/config";

/** "Scan now": sweeps every relation and stores the scans; the overview shows the new counts. */
export const scanNow = action
  .metadata({ action: "scans.run", permission: "scans.run" })
  .inputSchema(z.object({}))
  .action(async ({ ctx }) => {
    const { sweepId, result } = await sweepAndRecord(ctx.store, serverConfig(), "manual");
    revalidatePath("/");
    return { sweepId, relations: result.results.length, failed: result.results.filter((r) => r.error).length };
  });
