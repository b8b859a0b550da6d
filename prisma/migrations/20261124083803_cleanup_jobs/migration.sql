-- CreateTable
CREATE TABLE "cleanup_jobs" (
    "id" UUID NOT NULL,
    "relation" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "approved_by" TEXT,
    "estimate" INTEGER NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "batch_size" INTEGER NOT NULL,
    "cursor" JSONB,
    "examined" BIGINT NOT NULL DEFAULT 0,
    "deleted" BIGINT NOT NULL DEFAULT 0,
    "nulled" BIGINT NOT NULL DEFAULT 0,
    "archived" BIGINT NOT NULL DEFAULT 0,
    "dependents_removed" BIGINT NOT NULL DEFAULT 0,
    "skipped_grace" BIGINT NOT NULL DEFAULT 0,
    "skipped_allowlist" BIGINT NOT NULL DEFAULT 0,
    "skipped_not_orphan" BIGINT NOT NULL DEFAULT 0,
    "skipped_protected" BIGINT NOT NULL DEFAULT 0,
    "failed" BIGINT NOT NULL DEFAULT 0,
    "batches" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "run_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "cleanup_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cleanup_batches" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "keys" JSONB NOT NULL,
    "cursor_to" JSONB NOT NULL,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "duration_ms" INTEGER,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cleanup_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "archived_rows" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "target" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "table" TEXT NOT NULL,
    "pk" TEXT NOT NULL,
    "row" JSONB NOT NULL,
    "depth" INTEGER NOT NULL DEFAULT 0,
    "restored_at" TIMESTAMPTZ(3),

    CONSTRAINT "archived_rows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "allowlist_entries" (
    "id" BIGSERIAL NOT NULL,
    "relation" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removed_at" TIMESTAMPTZ(3),

    CONSTRAINT "allowlist_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "cleanup_jobs_relation_created_at_idx" ON "cleanup_jobs"("relation", "created_at");

-- CreateIndex
CREATE INDEX "cleanup_jobs_status_idx" ON "cleanup_jobs"("status");

-- CreateIndex
CREATE UNIQUE INDEX "cleanup_batches_job_id_seq_key" ON "cleanup_batches"("job_id", "seq");

-- CreateIndex
CREATE INDEX "archived_rows_job_id_idx" ON "archived_rows"("job_id");

-- CreateIndex
CREATE UNIQUE INDEX "archived_rows_job_id_target_schema_table_pk_key" ON "archived_rows"("job_id", "target", "schema", "table", "pk");

-- CreateIndex
CREATE INDEX "allowlist_entries_relation_key_idx" ON "allowlist_entries"("relation", "key");

-- AddForeignKey
ALTER TABLE "cleanup_batches" ADD CONSTRAINT "cleanup_batches_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "cleanup_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One active cleanup per relation: a second request finds this one instead.
CREATE UNIQUE INDEX "cleanup_jobs_one_active" ON "cleanup_jobs"("relation") WHERE "status" IN ('awaiting_approval', 'queued', 'running', 'paused');
