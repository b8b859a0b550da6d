-- Job statuses become enums (lib/jobs/lifecycle.ts moves jobs between them). Existing rows
-- keep their status: the column changes type in place, never dropped and re-added.
CREATE TYPE "sweep_status" AS ENUM ('queued', 'running', 'completed', 'failed');
CREATE TYPE "cleanup_job_status" AS ENUM ('awaiting_approval', 'queued', 'running', 'paused', 'completed', 'cancelled', 'failed', 'rejected');
CREATE TYPE "purge_job_status" AS ENUM ('queued', 'running', 'paused', 'completed', 'partial', 'failed', 'cancelled');
CREATE TYPE "erasure_run_status" AS ENUM ('queued', 'running', 'completed', 'failed');

-- The one-active-job indexes name statuses as text: dropped for the change, made again after it.
DROP INDEX "cleanup_jobs_one_active";
DROP INDEX "purge_jobs_one_active";

ALTER TABLE "sweeps"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" TYPE "sweep_status" USING ("status"::"sweep_status"),
  ALTER COLUMN "status" SET DEFAULT 'completed';
ALTER TABLE "cleanup_jobs" ALTER COLUMN "status" TYPE "cleanup_job_status" USING ("status"::"cleanup_job_status");
ALTER TABLE "purge_jobs" ALTER COLUMN "status" TYPE "purge_job_status" USING ("status"::"purge_job_status");
ALTER TABLE "erasure_runs"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" TYPE "erasure_run_status" USING ("status"::"erasure_run_status"),
  ALTER COLUMN "status" SET DEFAULT 'queued';

CREATE UNIQUE INDEX "cleanup_jobs_one_active" ON "cleanup_jobs"("relation") WHERE "status" IN ('awaiting_approval', 'queued', 'running', 'paused');
CREATE UNIQUE INDEX "purge_jobs_one_active" ON "purge_jobs"("table") WHERE "status" IN ('queued', 'running', 'paused');
