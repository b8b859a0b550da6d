import { z } from "zod";

const table = z
  .string()
  .min(3)
  .max(300)
  .regex(/^[^.]+(\.[^.]+){1,2}$/, "expected TARGET.TABLE");
const key = z.array(z.string().min(1).max(200)).min(1).max(8);

/** An exact id or an exact email: never a pattern, so nothing can list accounts. */
export const searchSchema = z.object({ table, query: z.string().trim().min(1, "type an exact id or email").max(320) });
export const previewRestoreSchema = z.object({ table, key });
export const restoreSchema = z.object({ table, key });
