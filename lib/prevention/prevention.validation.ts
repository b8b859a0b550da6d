import { z } from "zod";
import { PREVENTION_ACTIONS } from "./action";

const relationName = z.string().min(1).max(500);

/** What ops types to confirm a constraint job: the relation's name, or "N constraints" for several. */
export function confirmationPhrase(relations: readonly string[]): string {
  return relations.length === 1 ? relations[0] : `${relations.length} constraints`;
}

export const requestApplySchema = z
  .object({
    relations: z.array(relationName).min(1, "name at least one relation").max(200),
    /** ON DELETE per relation, when the requester changed the proposed one. */
    actions: z.record(relationName, z.enum(PREVENTION_ACTIONS)).default({}),
    /** The phrase typed again (confirmationPhrase): DDL on a production table runs only when the person means it. */
    confirm: z.string().max(500),
  })
  .refine((v) => new Set(v.relations).size === v.relations.length, { message: "a relation is named twice", path: ["relations"] })
  .refine((v) => Object.keys(v.actions).every((r) => v.relations.includes(r)), {
    message: "an ON DELETE is given for a relation not applied",
    path: ["actions"],
  });

export type RequestApplyInput = z.infer<typeof requestApplySchema>;

export const preventionJobIdSchema = z.object({ jobId: z.uuid() });

export const rejectPreventionSchema = z.object({
  jobId: z.uuid(),
  reason: z.string().trim().min(3, "say why the constraints are rejected").max(500),
});
