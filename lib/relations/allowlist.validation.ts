import { z } from "zod";

export const allowlistAddSchema = z.object({
  relation: z.string().min(1).max(500),
  key: z.array(z.string().min(1).max(500)).min(1).max(16),
  reason: z.string().trim().min(3, "say why this orphan is kept").max(500),
  until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date such as 2027-06-30"),
});

export const allowlistRemoveSchema = z.object({ id: z.string().regex(/^\d+$/) });
