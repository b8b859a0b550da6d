-- AlterTable
ALTER TABLE "purge_jobs" ADD COLUMN     "total" INTEGER;

-- A paused purge still holds its table: asking again returns it (resume it) rather than starting another.
DROP INDEX "purge_jobs_one_active";
CREATE UNIQUE INDEX "purge_jobs_one_active" ON "purge_jobs"("table") WHERE "status" IN ('queued', 'running', 'paused');
