-- CreateEnum
CREATE TYPE "sweep_part_status" AS ENUM ('queued', 'running', 'done', 'failed');

-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "only" JSONB;

-- CreateTable
CREATE TABLE "sweep_parts" (
    "id" UUID NOT NULL,
    "sweep_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "relation_name" TEXT NOT NULL,
    "relation" JSONB NOT NULL,
    "status" "sweep_part_status" NOT NULL DEFAULT 'queued',
    "worker" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "started_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "sweep_parts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sweep_parts_sweep_id_status_idx" ON "sweep_parts"("sweep_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "sweep_parts_sweep_id_seq_key" ON "sweep_parts"("sweep_id", "seq");

-- AddForeignKey
ALTER TABLE "sweep_parts" ADD CONSTRAINT "sweep_parts_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
