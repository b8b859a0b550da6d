-- AlterTable
ALTER TABLE "archived_rows" ADD COLUMN     "restored_by" TEXT;
