-- CreateEnum
CREATE TYPE "prevention_job_status" AS ENUM ('awaiting_approval', 'queued', 'running', 'applied', 'failed', 'blocked', 'rejected', 'cancelled');

-- CreateTable
CREATE TABLE "prevention_jobs" (
    "id" UUID NOT NULL,
    "status" "prevention_job_status" NOT NULL,
    "relations" JSONB NOT NULL,
    "actions" JSONB NOT NULL,
    "requested_by" TEXT NOT NULL,
    "approved_by" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "rejected_by" TEXT,
    "reject_reason" TEXT,
    "request_snapshot" JSONB NOT NULL,
    "steps_done" INTEGER NOT NULL DEFAULT 0,
    "steps_total" INTEGER,
    "current_step" TEXT,
    "steps" JSONB,
    "verified" JSONB,
    "reason" TEXT,
    "worker" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "prevention_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "prevention_jobs_status_idx" ON "prevention_jobs"("status");

-- CreateIndex
CREATE INDEX "prevention_jobs_created_at_idx" ON "prevention_jobs"("created_at");
