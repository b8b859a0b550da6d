-- AlterTable
ALTER TABLE "cleanup_jobs" ADD COLUMN     "max_batch_size" INTEGER;
