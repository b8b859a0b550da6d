import { z } from "zod";

const name = z.string().trim().min(1).max(200);

export const addRequestSchema = z.object({
  subject: name,
  /** One value, or a JSON array for a composite key. */
  key: z.string().trim().min(1, "enter the subject's key").max(500),
});

export const uploadKeysSchema = z.object({
  subject: name,
  csv: z.string().min(1, "choose a CSV file").max(1_000_000, "the file is over 1 MB: split it"),
});

export const verifyRequestSchema = z.object({ requestId: z.uuid() });

export const coverageDecisionSchema = z.object({
  target: name,
  schema: name,
  table: name,
  column: name,
  reason: z.string().trim().min(5, "say why (5 characters at least)").max(500),
});

export const withdrawRequestSchema = z.object({
  requestId: z.uuid(),
  reason: z.string().trim().min(5, "say why (5 characters at least)").max(500),
});
