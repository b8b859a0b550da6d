-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prev_hash" TEXT;

-- AlterTable
ALTER TABLE "erasure_evidence" ADD COLUMN     "signature" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_prev_hash_key" ON "audit_events"("prev_hash");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_hash_key" ON "audit_events"("hash");

-- ── The audit trail is chained like the evidence (lib/audit/chain.ts recomputes it) ──
-- One record's canonical text: every field, each as "<bytes>:<text>" (or N for NULL), so
-- no two different records give the same text. The JSON parameters hash as jsonb prints
-- them (keys in a fixed order); the time in UTC to the millisecond, as stored.
CREATE FUNCTION "audit_event_field"(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN 'N' ELSE octet_length(v)::text || ':' || v END
$$;

CREATE FUNCTION "audit_event_hash"(e "audit_events") RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(
    'custodian-audit-v1'
    || audit_event_field(e.id::text)
    || audit_event_field(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    || audit_event_field(e.actor_id)
    || audit_event_field((SELECT string_agg(audit_event_field(r), '' ORDER BY n) FROM unnest(e.actor_roles) WITH ORDINALITY AS u(r, n)))
    || audit_event_field(e.action)
    || audit_event_field(e.object)
    || audit_event_field(e.params::text)
    || audit_event_field(e.result)
    || audit_event_field(e.reason)
    || audit_event_field(e.request_id)
    || audit_event_field(e.prev_hash),
  'UTF8')), 'hex')
$$;

-- Computed inside the store at insert, whoever inserts, under a lock held to commit: the
-- id is taken under the lock too, so id order is chain order even when inserts race.
CREATE FUNCTION "audit_events_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prev text;
BEGIN
  PERFORM pg_advisory_xact_lock(7311);
  SELECT a.hash INTO prev FROM "audit_events" a ORDER BY a.id DESC LIMIT 1;
  NEW.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
  NEW.at := CAST(NEW.at AS timestamptz(3));
  NEW.prev_hash := coalesce(prev, repeat('0', 64));
  NEW.hash := audit_event_hash(NEW);
  RETURN NEW;
END;
$$;

-- Events written before this migration join the chain in id order (the owner runs it).
ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_no_update_delete";
DO $$
DECLARE
  r "audit_events";
  prev text := repeat('0', 64);
BEGIN
  FOR r IN SELECT * FROM "audit_events" ORDER BY id LOOP
    r.prev_hash := prev;
    r.hash := audit_event_hash(r);
    UPDATE "audit_events" SET prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    prev := r.hash;
  END LOOP;
END;
$$;
ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_no_update_delete";

CREATE TRIGGER "audit_events_chain"
  BEFORE INSERT ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_chain"();
