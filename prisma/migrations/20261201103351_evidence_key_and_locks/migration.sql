-- CreateTable
CREATE TABLE "evidence_signing_key" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "fingerprint" TEXT NOT NULL,
    "public_key" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evidence_signing_key_pkey" PRIMARY KEY ("id")
);

-- One key signs the chain: one row, kept like the evidence (append-only; the runtime role
-- gets SELECT and INSERT only, lib/store/roles.ts).
ALTER TABLE "evidence_signing_key" ADD CONSTRAINT "evidence_signing_key_one_row" CHECK ("id" = 1);

CREATE FUNCTION "evidence_signing_key_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'evidence_signing_key is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "evidence_signing_key_no_update_delete"
  BEFORE UPDATE OR DELETE ON "evidence_signing_key"
  FOR EACH ROW EXECUTE FUNCTION "evidence_signing_key_append_only"();

CREATE TRIGGER "evidence_signing_key_no_truncate"
  BEFORE TRUNCATE ON "evidence_signing_key"
  FOR EACH STATEMENT EXECUTE FUNCTION "evidence_signing_key_append_only"();

-- The audit chain's lock gets a key of its own. It was pg_advisory_xact_lock(7311), the
-- key "Verify all" takes (lib/erasure/runs.ts), so an audit insert and a run request
-- waited for each other. The two-int form lives in a key space apart from the one-bigint
-- form (the other locks use that), and the hashed names make a clash with anything else
-- unlikely ("Verify all" now takes ('custodian', 'custodian.erasure_run'), the evidence
-- chain keeps 7310, sweeps 7307).
CREATE OR REPLACE FUNCTION "audit_events_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prev text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('custodian'), hashtext('custodian.audit_chain'));
  SELECT a.hash INTO prev FROM "audit_events" a ORDER BY a.id DESC LIMIT 1;
  NEW.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
  NEW.at := CAST(NEW.at AS timestamptz(3));
  NEW.prev_hash := coalesce(prev, repeat('0', 64));
  NEW.hash := audit_event_hash(NEW);
  RETURN NEW;
END;
$$;

-- The trigger functions resolve names through a fixed search_path (the system catalog, then
-- the store's own schema), not the caller's: a role that can create objects in another
-- schema and put it first in its search_path cannot slip in its own "audit_event_hash",
-- "sha256" or "audit_events" for the trigger to call.
DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['audit_events_append_only()', 'erasure_evidence_append_only()', 'evidence_signing_key_append_only()',
                           'audit_event_field(text)', 'audit_event_hash(audit_events)', 'audit_events_chain()'] LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I', f, current_schema());
  END LOOP;
END;
$$;
