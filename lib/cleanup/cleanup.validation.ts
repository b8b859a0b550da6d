import { z } from "zod";

export const jobIdSchema = z.object({ jobId: z.uuid() });

/** The approver lets the job remove up to `rows` rows in all (the rows below and what it already removed included): the figure they were shown. */
export const approveSchema = z.object({ jobId: z.uuid(), rows: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

export const rejectSchema = z.object({
  jobId: z.uuid(),
  reason: z.string().trim().min(3, "say why the cleanup is rejected").max(500),
});

export const startCleanupSchema = z.object({
  relation: z.string().min(1).max(500),
  /** The relation's name typed again: a destructive job starts only when the person means this relation. */
  confirm: z.string().max(500),
  batchSize: z.number().int().min(1).max(100_000).optional(),
});

export const previewSchema = z.object({ relation: z.string().min(1).max(500) });
