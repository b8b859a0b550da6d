-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "done" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "error" TEXT,
ADD COLUMN     "heartbeat_at" TIMESTAMPTZ(3),
ADD COLUMN     "requested_by" TEXT,
ADD COLUMN     "slot" TEXT,
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'completed',
ADD COLUMN     "suggestions" JSONB,
ADD COLUMN     "total" INTEGER;

-- CreateTable
CREATE TABLE "orphan_sightings" (
    "id" BIGSERIAL NOT NULL,
    "relation" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "open" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "orphan_sightings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orphan_key_stage" (
    "run" UUID NOT NULL,
    "key" TEXT NOT NULL,

    CONSTRAINT "orphan_key_stage_pkey" PRIMARY KEY ("run","key")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" BIGSERIAL NOT NULL,
    "relation" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "fired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "notified_at" TIMESTAMPTZ(3),
    "notify_error" TEXT,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "orphan_sightings_relation_key_idx" ON "orphan_sightings"("relation", "key");

-- CreateIndex
CREATE INDEX "alerts_relation_kind_resolved_at_idx" ON "alerts"("relation", "kind", "resolved_at");

-- CreateIndex
CREATE INDEX "alerts_resolved_at_idx" ON "alerts"("resolved_at");

-- CreateIndex
CREATE INDEX "scans_sweep_id_idx" ON "scans"("sweep_id");

-- CreateIndex
CREATE UNIQUE INDEX "sweeps_slot_key" ON "sweeps"("slot");

-- CreateIndex
CREATE INDEX "sweeps_status_idx" ON "sweeps"("status");

-- One open sighting per (relation, key); closed ones are history and may repeat.
CREATE UNIQUE INDEX "orphan_sightings_open_key" ON "orphan_sightings"("relation", "key") WHERE "open";
