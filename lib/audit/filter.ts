import { z } from "zod";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date such as 2026-11-24")
  .optional()
  .or(z.literal("").transform(() => undefined));

/** The audit page's filters, as they arrive in a query string (page and CSV export share them). */
export const auditFilterSchema = z.object({
  actor: z
    .string()
    .max(100)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  action: z
    .string()
    .max(100)
    .regex(/^[a-z_.]*$/, "expected an action such as users.create")
    .optional(),
  result: z
    .enum(["started", "ok", "denied", "failed", ""])
    .optional()
    .transform((v) => v || undefined),
  from: day,
  to: day,
  before: z.string().regex(/^\d+$/).optional(),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;
