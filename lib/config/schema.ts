import { z } from "zod";

// The config file's shape, documented key by key in docs/configuration.md. Every object is strict:
// a misspelt key is an error that names it, never a silently ignored option.

const identifier = z.string().min(1, "expected a non-empty name");
const columnList = z.array(identifier, { error: "expected a list of column names, e.g. [user_id]" }).min(1, "expected at least one column");

export const dialectSchema = z.enum(["postgres", "mysql", "sqlite", "pglite"], {
  error: "expected one of postgres, mysql, sqlite, pglite",
});

const positiveInt = z.number({ error: "expected a whole number" }).int("expected a whole number").positive("expected a number above 0");

export const targetSchema = z.strictObject({
  dialect: dialectSchema,
  url: z.string({ error: 'expected a URL reference such as "${SHOP_DATABASE_URL}"' }).min(1),
  /** Connections one process opens to this target at most, shared by scans, previews, cleanups and purges. */
  maxConnections: positiveInt.max(100, "expected at most 100").default(2),
  /** A replica for scans, previews and verification reads; cleanups and restores always write to (and re-check on) `url`. */
  readUrl: z.string({ error: 'expected a URL reference such as "${SHOP_REPLICA_URL}"' }).min(1).optional(),
  /** Cleanup and purge batches wait while a replica lags more than this (gh-ost's max-lag-millis). */
  maxReplicaLagMs: positiveInt.optional(),
  /** …or while more statements than this run on the server (Threads_running; active backends on PostgreSQL). */
  maxThreadsRunning: positiveInt.optional(),
  /**
   * Each scanning statement on this target stops after this long; a chunk that runs past it
   * is split in two by key and each half tried again, and reported failed (never 0) when it
   * still cannot finish.
   */
  scanStatementTimeoutMs: positiveInt.optional(),
});

const endpointSchema = z.strictObject({
  target: identifier,
  schema: identifier.optional(),
  table: identifier,
  columns: columnList,
});

const isoDate = z.union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}/, "expected a date such as 2027-06-30")]);

const allowEntrySchema = z.strictObject({
  key: z.array(z.union([z.string(), z.number()])).min(1, "expected the child key as a list, e.g. [42]"),
  reason: z.string().min(1, "expected a reason for keeping this orphan"),
  until: isoDate,
});

/** Thresholds: an absolute orphan count and a growth per day; either fires an alert. */
const thresholdsSchema = z.strictObject({
  orphans: z.number().int().nonnegative().optional(),
  growthPerDay: z.number().nonnegative().optional(),
});

export const alertsSchema = z.strictObject({
  orphans: z.number().int().nonnegative().default(1000),
  growthPerDay: z.number().nonnegative().default(100),
  /** POSTed a JSON body when an alert fires or resolves; "${ENV_VAR}" or an https:// URL. */
  webhook: z.string().min(1).optional(),
});

export const relationSchema = z
  .strictObject({
    name: identifier,
    child: endpointSchema,
    parent: endpointSchema,
    parentSoftDelete: z.strictObject({ column: identifier, graceDays: z.number().nonnegative() }).optional(),
    cleanup: z
      .strictObject({
        action: z.enum(["delete", "archive_then_delete", "set_null"]).default("delete"),
        /** The first batch's rows; without maxBatchSize here, every batch's (a relation that names its batch size keeps it). */
        batchSize: z.number().int().positive().max(100_000).optional(),
        /** Batches grow from batchSize up to this while each takes under 100 ms; default cleanup.maxBatchSize, or batchSize when set here. */
        maxBatchSize: z.number().int().positive().max(100_000).optional(),
        graceDays: z.number().nonnegative().optional(),
        /** A cleanup of this relation removing more rows (the rows below included) waits for a second person; default cleanup.approvalThreshold. */
        approvalThreshold: z.number().int().nonnegative().optional(),
        /**
         * What a cleanup of this relation's parent table does to this relation's rows that
         * point at the rows it removes: go with them (as ON DELETE CASCADE), lose the
         * reference, or stop the parent row from being removed.
         */
        onParentRemoved: z.enum(["cascade", "set_null", "protect"]).default("cascade"),
      })
      .optional(),
    allow: z.array(allowEntrySchema).optional(),
    alerts: thresholdsSchema.optional(),
  })
  .superRefine((rel, ctx) => {
    if (rel.child.columns.length !== rel.parent.columns.length) {
      ctx.addIssue({
        code: "custom",
        path: ["parent", "columns"],
        message: `expected ${rel.child.columns.length} column(s) to match child.columns, got ${rel.parent.columns.length}`,
      });
    }
  });

export const softDeleteSchema = z.strictObject({
  target: identifier,
  schema: identifier.optional(),
  table: identifier,
  column: identifier,
  graceDays: z.number().nonnegative(),
  unique: z.array(identifier).optional(),
  pii: z.array(identifier).optional(),
  /** A column the application's cascade writes one id into (parent and children): restore matches it instead of the timestamp. */
  cascadeId: identifier.optional(),
  /**
   * What a purge does past grace: remove the row and everything below it, or keep the row
   * (and the rows above it) for integrity with its PII columns replaced (orders kept for tax law).
   */
  purge: z.enum(["delete", "redact"], { error: "expected delete or redact" }).default("delete"),
  /** The value each PII column is redacted to (default NULL), e.g. { email: "redacted" } for a NOT NULL column. */
  redactWith: z.record(identifier, z.union([z.string(), z.null()])).optional(),
  /** The gauges page alerts when more rows than this wait past grace. */
  pendingAlert: z.number().int().nonnegative().default(10_000),
  /**
   * Where your own back office shows one account, with primary-key columns in braces
   * (https://admin.example.com/users/{id}): a restore's result links to the account it brought back.
   */
  accountUrl: z
    .url({ protocol: /^https?$/, error: "expected an http(s) URL" })
    .refine((u) => /\{[^{}]+\}/.test(u), "expected at least one {column} of the primary key, e.g. https://admin.example.com/users/{id}")
    .optional(),
});

export const subjectSchema = z.strictObject({
  name: identifier,
  target: identifier,
  schema: identifier.optional(),
  table: identifier,
  key: columnList,
});

/** Defaults for every relation's cleanup (a relation's own `cleanup:` overrides them). */
export const cleanupDefaultsSchema = z.strictObject({
  graceDays: z.number().nonnegative().default(7),
  /** The first batch's rows. */
  batchSize: z.number().int().positive().max(100_000).default(1000),
  /**
   * Batches grow (×1.5) from batchSize up to this while each takes under 100 ms, and halve
   * when one takes over 250 ms (lib/jobs/batch-size.ts): few, quick transactions, the way
   * gh-ost sizes its chunks. Set it to batchSize for fixed batches.
   */
  maxBatchSize: z.number().int().positive().max(100_000).default(20_000),
  /** A job that would remove more rows waits for a second person's approval. */
  approvalThreshold: z.number().int().nonnegative().default(10_000),
  /** Each statement of a batch stops after this long (the batch is retried smaller). */
  statementTimeoutMs: z.number().int().positive().default(5000),
});

/** Adding the constraints that keep a clean relation clean (lib/prevention). */
export const preventionSchema = z.strictObject({
  /** Applying waits for a second person's approval, as a large cleanup does. */
  requireApproval: z.boolean().default(true),
  /** Each statement of a migration waits at most this long for its lock (lock_timeout / lock_wait_timeout). */
  lockTimeoutMs: z.number().int().positive().default(5000),
});

/** How a sweep cuts its work (lib/sweeps/parts.ts). */
export const sweepSchema = z.strictObject({
  /** A relation whose child table holds more rows than this (the catalog's estimate) is counted in ranges of its key, one part each. */
  chunkRows: positiveInt.default(5_000_000),
});

export const configSchema = z.strictObject({
  targets: z.record(identifier, targetSchema, { error: "expected a map of target names to { dialect, url }" }),
  relations: z.array(relationSchema).default([]),
  softDelete: z.array(softDeleteSchema).default([]),
  subjects: z.array(subjectSchema).default([]),
  schedule: z
    .strictObject({
      sweep: z.string().min(1).default("0 * * * *"),
      /** When every soft-delete table is purged of its rows past grace (none: only on demand). */
      purge: z.string().min(1).optional(),
    })
    .default({ sweep: "0 * * * *" }),
  alerts: alertsSchema.default({ orphans: 1000, growthPerDay: 100 }),
  cleanup: cleanupDefaultsSchema.default({ graceDays: 7, batchSize: 1000, maxBatchSize: 20_000, approvalThreshold: 10_000, statementTimeoutMs: 5000 }),
  prevention: preventionSchema.default({ requireApproval: true, lockTimeoutMs: 5000 }),
  sweep: sweepSchema.default({ chunkRows: 5_000_000 }),
});

export type RawConfig = z.infer<typeof configSchema>;
export type RelationConfig = z.infer<typeof relationSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;
