"use server";
import { revalidatePath } from "next/cache";
import { action } from "../auth/action";
import { relationHref } from "../dashboard/href";
import { forgetAllowlistProbe } from "../cleanup/eligibility";
import { usageError } from "../errors/user-error";
import { sightingKey } from "../sightings/record";
import { allowlistAddSchema, allowlistRemoveSchema } from "./allowlist.validation";

export const addAllowlistEntry = action
  .metadata({ action: "allowlist.add", permission: "allowlist.manage", audit: ["relation", "until"], object: ["relation", "relation"] })
  .inputSchema(allowlistAddSchema)
  .action(async ({ parsedInput, ctx }) => {
    const until = new Date(`${parsedInput.until}T23:59:59Z`);
    if (until <= new Date()) throw usageError("the expiry must be in the future");
    await ctx.store.prisma.allowlistEntry.create({
      data: { relation: parsedInput.relation, key: sightingKey(parsedInput.key), reason: parsedInput.reason, until, createdBy: ctx.actor.userId },
    });
    forgetAllowlistProbe(parsedInput.relation);
    revalidatePath(relationHref(parsedInput.relation));
  });

export const removeAllowlistEntry = action
  .metadata({ action: "allowlist.remove", permission: "allowlist.manage", audit: ["id"], object: ["allowlist", "id"] })
  .inputSchema(allowlistRemoveSchema)
  .action(async ({ parsedInput, ctx }) => {
    const entry = await ctx.store.prisma.allowlistEntry.update({ where: { id: BigInt(parsedInput.id) }, data: { removedAt: new Date() } });
    forgetAllowlistProbe(entry.relation);
    revalidatePath(relationHref(entry.relation));
  });
