import { z } from "zod";

const name = z.string().trim().min(1).max(200);

export const addRequestSchema = z.object({
  subject: name,
  /** One value, or a JSON array for a composite key. */
  key: z.string().trim().min(1, "enter the subject's key").max(500),
  /** The day the request reached the controller (YYYY-MM-DD, UTC); empty: today. Its one-month deadline runs from it. */
  receivedOn: z
    .union([z.literal(""), z.iso.date("enter the day the request was received (YYYY-MM-DD)")])
    .optional()
    .refine((d) => !d || d <= new Date().toISOString().slice(0, 10), "the day it was received cannot be in the future"),
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
