-- AlterTable
ALTER TABLE "cleanup_jobs" ADD COLUMN     "throttle_reason" TEXT,
ADD COLUMN     "throttled_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "purge_jobs" ADD COLUMN     "throttle_reason" TEXT,
ADD COLUMN     "throttled_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0;
