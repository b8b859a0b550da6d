-- AlterTable
ALTER TABLE "sweep_parts" ADD COLUMN     "range" JSONB;
