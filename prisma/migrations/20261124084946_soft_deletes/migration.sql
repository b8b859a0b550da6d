-- CreateTable
CREATE TABLE "purge_jobs" (
    "id" UUID NOT NULL,
    "table" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "cursor" JSONB,
    "subjects" INTEGER NOT NULL DEFAULT 0,
    "completed" INTEGER NOT NULL DEFAULT 0,
    "partial" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "purge_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deletion_requests" (
    "id" UUID NOT NULL,
    "token" TEXT NOT NULL,
    "table" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "mode" TEXT NOT NULL DEFAULT 'delete',
    "job_id" UUID,
    "requested_by" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "marked_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "deletion_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deletion_steps" (
    "id" BIGSERIAL NOT NULL,
    "request_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "plan" JSONB NOT NULL,
    "anchor_keys" JSONB,
    "removed" BIGINT NOT NULL DEFAULT 0,
    "redacted" BIGINT NOT NULL DEFAULT 0,
    "nulled" BIGINT NOT NULL DEFAULT 0,
    "statements" INTEGER NOT NULL DEFAULT 0,
    "max_statement_ms" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "intent" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deletion_steps_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "purge_jobs_table_created_at_idx" ON "purge_jobs"("table", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "deletion_requests_token_key" ON "deletion_requests"("token");

-- CreateIndex
CREATE INDEX "deletion_requests_table_key_idx" ON "deletion_requests"("table", "key");

-- CreateIndex
CREATE INDEX "deletion_requests_status_next_attempt_at_idx" ON "deletion_requests"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "deletion_steps_request_id_seq_key" ON "deletion_steps"("request_id", "seq");

-- AddForeignKey
ALTER TABLE "deletion_steps" ADD CONSTRAINT "deletion_steps_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "deletion_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One open deletion request per subject, one active purge per table (Prisma cannot say "partial unique").
CREATE UNIQUE INDEX "deletion_requests_one_open" ON "deletion_requests"("table", "key") WHERE "status" IN ('pending', 'marked', 'deleting', 'partial', 'failed');
CREATE UNIQUE INDEX "purge_jobs_one_active" ON "purge_jobs"("table") WHERE "status" IN ('queued', 'running');
