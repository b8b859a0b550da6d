import { z } from "zod";

export const startPurgeSchema = z.object({
  table: z
    .string()
    .min(3)
    .max(300)
    .regex(/^[^.]+(\.[^.]+){1,2}$/, "expected TARGET.TABLE"),
  /** The table's name typed again: a hard delete starts only when the person means this table. */
  confirm: z.string().max(300),
});

export const purgeJobIdSchema = z.object({ jobId: z.uuid() });
