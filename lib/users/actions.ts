"use server";
import { revalidatePath } from "next/cache";
import { action } from "../auth/action";
import { revokeInvitation } from "../auth/invitations";
import { publicUrl } from "../auth/origin";
import { getAuth } from "../auth/session";
import { issueSetupToken } from "../auth/setup-tokens";
import { createPasswordUser, setActive, setRoles } from "../auth/users";
import { createUserSchema, inviteUserSchema, revokeInvitationSchema, setActiveSchema, setRolesSchema } from "./users.validation";

export const createUser = action
  .metadata({ action: "users.create", permission: "users.manage", audit: ["roles"] })
  .inputSchema(createUserSchema)
  .action(async ({ parsedInput, ctx }) => {
    const user = await createPasswordUser(await getAuth(), ctx.store, parsedInput);
    ctx.auditObject(`user:${user.id}`);
    revalidatePath("/users");
    return { id: user.id };
  });

export const inviteUser = action
  .metadata({ action: "users.invite", permission: "users.manage", audit: ["roles"] })
  .inputSchema(inviteUserSchema)
  .action(async ({ parsedInput, ctx }) => {
    const { id, token, expiresAt } = await issueSetupToken(ctx.store, { roles: parsedInput.roles, createdBy: ctx.actor.userId });
    ctx.auditObject(`invitation:${id}`);
    revalidatePath("/users");
    return { url: `${publicUrl()}/setup?token=${token}`, expiresAt: expiresAt.toISOString() };
  });

export const setUserRoles = action
  .metadata({ action: "users.roles", permission: "users.manage", audit: ["userId", "roles"], object: ["user", "userId"] })
  .inputSchema(setRolesSchema)
  .action(async ({ parsedInput, ctx }) => {
    await setRoles(ctx.store, parsedInput.userId, parsedInput.roles);
    revalidatePath("/users");
  });

export const setUserActive = action
  .metadata({ action: "users.active", permission: "users.manage", audit: ["userId", "active"], object: ["user", "userId"] })
  .inputSchema(setActiveSchema)
  .action(async ({ parsedInput, ctx }) => {
    await setActive(await getAuth(), ctx.store, parsedInput.userId, parsedInput.active, ctx.actor.userId);
    revalidatePath("/users");
  });

export const revokeUserInvitation = action
  .metadata({ action: "users.invite_revoke", permission: "users.manage", audit: ["invitationId"], object: ["invitation", "invitationId"] })
  .inputSchema(revokeInvitationSchema)
  .action(async ({ parsedInput, ctx }) => {
    await revokeInvitation(ctx.store, parsedInput.invitationId);
    revalidatePath("/users");
  });
