import { z } from "zod";
import { ROLES } from "../auth/permissions";

const roles = z.array(z.enum(ROLES)).max(ROLES.length);

export const createUserSchema = z.object({
  email: z.email("enter an email address").max(254),
  name: z.string().trim().min(1, "enter a name").max(100),
  password: z.string().min(12, "use at least 12 characters").max(256),
  roles: roles.min(1, "choose at least one role"),
});

export const inviteUserSchema = z.object({ roles: roles.min(1, "choose at least one role") });

// user ids are uuids (lib/auth/auth.ts generateId): anything else is refused before it reaches the store
const userId = z.uuid("expected a user id");

export const setRolesSchema = z.object({ userId, roles });

export const setActiveSchema = z.object({ userId, active: z.boolean() });

export const revokeInvitationSchema = z.object({ invitationId: z.uuid("not an invitation id") });
