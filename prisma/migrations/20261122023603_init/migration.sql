-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "sweeps" (
    "id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "config_hash" TEXT NOT NULL,
    "relations" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scans" (
    "id" BIGSERIAL NOT NULL,
    "sweep_id" UUID,
    "relation" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "child_target" TEXT NOT NULL,
    "child_schema" TEXT NOT NULL,
    "child_table" TEXT NOT NULL,
    "child_columns" TEXT[],
    "parent_target" TEXT NOT NULL,
    "parent_schema" TEXT NOT NULL,
    "parent_table" TEXT NOT NULL,
    "parent_columns" TEXT[],
    "orphans" BIGINT,
    "child_rows" BIGINT,
    "duration_ms" INTEGER NOT NULL,
    "scanned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "error_kind" TEXT,
    "error" TEXT,
    "index_advice" TEXT,

    CONSTRAINT "scans_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sweeps_started_at_idx" ON "sweeps"("started_at");

-- CreateIndex
CREATE INDEX "scans_relation_scanned_at_idx" ON "scans"("relation", "scanned_at");

-- CreateIndex
CREATE INDEX "scans_scanned_at_idx" ON "scans"("scanned_at");

-- AddForeignKey
ALTER TABLE "scans" ADD CONSTRAINT "scans_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE SET NULL ON UPDATE CASCADE;
