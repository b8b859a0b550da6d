"use server";
import { redirect } from "next/navigation";
import { publicAction } from "../auth/action";
import { getAuth } from "../auth/session";
import { redeemSetupToken } from "../auth/setup-tokens";
import { setupSchema } from "./setup.validation";

export const redeemSetupLink = publicAction
  .metadata({ action: "users.setup", public: "gated by a one-time setup token instead of a session" })
  .inputSchema(setupSchema)
  .action(async ({ parsedInput, ctx }) => {
    const user = await redeemSetupToken(await getAuth(), ctx.store, parsedInput.token, parsedInput);
    ctx.auditObject(`user:${user.id}`);
    redirect("/sign-in?created=1");
  });
