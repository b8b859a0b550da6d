-- AlterTable
ALTER TABLE "cleanup_jobs" ADD COLUMN     "approval_threshold" INTEGER,
ADD COLUMN     "approved_at" TIMESTAMPTZ(3),
ADD COLUMN     "approved_scope" INTEGER,
ADD COLUMN     "reject_reason" TEXT,
ADD COLUMN     "rejected_by" TEXT,
ADD COLUMN     "request_snapshot" JSONB,
ADD COLUMN     "scope" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "wait_reason" TEXT;
