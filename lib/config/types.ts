import type { RelationConfig, softDeleteSchema, subjectSchema } from "./schema";
import type { z } from "zod";

export type Dialect = "postgres" | "mysql" | "sqlite" | "pglite";

/** A target with its URL resolved. The URL may hold credentials: never store or log it. */
export interface TargetSpec {
  name: string;
  dialect: Dialect;
  url: string;
}

export interface Config {
  file: string;
  targets: Record<string, TargetSpec>;
  relations: RelationConfig[];
  softDelete: z.infer<typeof softDeleteSchema>[];
  subjects: z.infer<typeof subjectSchema>[];
  schedule: { sweep: string; purge?: string };
  /** Global thresholds (relations may override them); the webhook URL resolved, if any. */
  alerts: { orphans: number; growthPerDay: number; webhook?: string };
  cleanup: { graceDays: number; batchSize: number; approvalThreshold: number; statementTimeoutMs: number };
  prevention: { requireApproval: boolean; lockTimeoutMs: number };
}
