-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "backlog" JSONB;
