-- CreateTable
CREATE TABLE "erasure_withdrawals" (
    "id" BIGSERIAL NOT NULL,
    "request_id" UUID NOT NULL,
    "withdrawn_by" TEXT NOT NULL,
    "withdrawn_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT NOT NULL,

    CONSTRAINT "erasure_withdrawals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "erasure_withdrawals_request_id_key" ON "erasure_withdrawals"("request_id");

-- AddForeignKey
ALTER TABLE "erasure_withdrawals" ADD CONSTRAINT "erasure_withdrawals_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "erasure_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A withdrawal is a record, never an edit: the store refuses to change or remove one,
-- whoever asks (the request it withdraws is not changed either; it stays, marked).
CREATE FUNCTION "erasure_withdrawals_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'erasure_withdrawals is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "erasure_withdrawals_no_update_delete"
  BEFORE UPDATE OR DELETE ON "erasure_withdrawals"
  FOR EACH ROW EXECUTE FUNCTION "erasure_withdrawals_append_only"();

CREATE TRIGGER "erasure_withdrawals_no_truncate"
  BEFORE TRUNCATE ON "erasure_withdrawals"
  FOR EACH STATEMENT EXECUTE FUNCTION "erasure_withdrawals_append_only"();
