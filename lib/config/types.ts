import type { RelationConfig, softDeleteSchema, subjectSchema } from "./schema";
import type { z } from "zod";

export type Dialect = "postgres" | "mysql" | "sqlite" | "pglite";

/** A target with its URL resolved. The URL may hold credentials: never store or log it. */
export interface TargetSpec {
  name: string;
  dialect: Dialect;
  url: string;
  /** Connections this process opens to the target at most, shared by every scan, preview, cleanup and purge (default 2). */
  maxConnections?: number;
  /** A replica for scans, previews and verification reads (resolved like `url`); writes never go there. */
  readUrl?: string;
  /** Cleanup and purge batches wait while the target is over either limit. */
  throttle?: { maxReplicaLagMs?: number; maxThreadsRunning?: number };
  /** Each scanning statement stops after this long; a chunk past it is split and retried (lib/detect/bounded.ts). */
  scanStatementTimeoutMs?: number;
}

export const DEFAULT_MAX_CONNECTIONS = 2;

export function maxConnectionsOf(spec: TargetSpec): number {
  return spec.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
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
  cleanup: { graceDays: number; batchSize: number; maxBatchSize: number; approvalThreshold: number; statementTimeoutMs: number };
  prevention: { requireApproval: boolean; lockTimeoutMs: number };
  /** How a sweep run by the queue cuts a big relation into ranges (lib/sweeps/parts.ts). */
  sweep: { chunkRows: number };
}
