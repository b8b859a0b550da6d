-- DropIndex
DROP INDEX "orphan_sightings_relation_key_idx";

-- AlterTable
ALTER TABLE "scans" ADD COLUMN     "sightings_error" TEXT;

-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "activity" TEXT;
