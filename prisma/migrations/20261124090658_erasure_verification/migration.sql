-- CreateTable
CREATE TABLE "erasure_requests" (
    "id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "schema" TEXT,
    "table" TEXT NOT NULL,
    "key" TEXT[],
    "key_text" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "purge_request_id" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "requested_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_verified_at" TIMESTAMPTZ(3),
    "last_evidence_id" BIGINT,
    "residual_rows" BIGINT,

    CONSTRAINT "erasure_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "erasure_evidence" (
    "id" BIGSERIAL NOT NULL,
    "request_id" UUID,
    "subject" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "table" TEXT NOT NULL,
    "key" TEXT[],
    "verified_at" TIMESTAMPTZ(3) NOT NULL,
    "verified_by" TEXT NOT NULL,
    "custodian_version" TEXT NOT NULL,
    "config_hash" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "residual_rows" BIGINT NOT NULL,
    "tables" JSONB NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "erasure_evidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "erasure_runs" (
    "id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "slot" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "requested_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "total" INTEGER,
    "done" INTEGER NOT NULL DEFAULT 0,
    "complete" INTEGER NOT NULL DEFAULT 0,
    "incomplete" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "erasure_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coverage_decisions" (
    "id" BIGSERIAL NOT NULL,
    "target" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "table" TEXT NOT NULL,
    "column" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "decided_by" TEXT NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coverage_decisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "erasure_requests_state_created_at_idx" ON "erasure_requests"("state", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "erasure_requests_subject_key_text_key" ON "erasure_requests"("subject", "key_text");

-- CreateIndex
CREATE UNIQUE INDEX "erasure_evidence_prev_hash_key" ON "erasure_evidence"("prev_hash");

-- CreateIndex
CREATE UNIQUE INDEX "erasure_evidence_hash_key" ON "erasure_evidence"("hash");

-- CreateIndex
CREATE INDEX "erasure_evidence_request_id_id_idx" ON "erasure_evidence"("request_id", "id");

-- CreateIndex
CREATE INDEX "erasure_evidence_verified_at_idx" ON "erasure_evidence"("verified_at");

-- CreateIndex
CREATE INDEX "erasure_evidence_subject_target_table_idx" ON "erasure_evidence"("subject", "target", "table");

-- CreateIndex
CREATE UNIQUE INDEX "erasure_runs_slot_key" ON "erasure_runs"("slot");

-- CreateIndex
CREATE INDEX "erasure_runs_created_at_idx" ON "erasure_runs"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "coverage_decisions_target_schema_table_column_key" ON "coverage_decisions"("target", "schema", "table", "column");

-- Evidence is append-only, like the audit trail: the store refuses to change or remove a
-- verification record, whoever asks. (A DBA who disables this trigger can still edit a
-- record; the hash chain is what makes that visible: `custodian verify-evidence`.)
CREATE FUNCTION "erasure_evidence_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'erasure_evidence is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "erasure_evidence_no_update_delete"
  BEFORE UPDATE OR DELETE ON "erasure_evidence"
  FOR EACH ROW EXECUTE FUNCTION "erasure_evidence_append_only"();

CREATE TRIGGER "erasure_evidence_no_truncate"
  BEFORE TRUNCATE ON "erasure_evidence"
  FOR EACH STATEMENT EXECUTE FUNCTION "erasure_evidence_append_only"();
