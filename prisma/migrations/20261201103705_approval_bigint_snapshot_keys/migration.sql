-- AlterTable
ALTER TABLE "cleanup_jobs" ALTER COLUMN "approval_threshold" SET DATA TYPE BIGINT,
ALTER COLUMN "approved_scope" SET DATA TYPE BIGINT,
ALTER COLUMN "scope" SET DATA TYPE BIGINT;

-- Approval snapshots kept up to 20 whole orphan rows ("sample"): copies of data a cleanup
-- deletes, outliving it and out of reach of erasure verification. A snapshot now keeps only
-- the sampled rows' keys ("sampleKeys": column names and values). An older snapshot does not
-- say which of its columns form the key, so no value in it can be told apart from personal
-- data: every row value goes; how many rows there were is kept ("sampleRemoved").
UPDATE "cleanup_jobs"
SET "request_snapshot" = ("request_snapshot" - 'sample')
  || jsonb_build_object(
       'sampleKeys', jsonb_build_object('columns', '[]'::jsonb, 'rows', '[]'::jsonb),
       'sampleRemoved', CASE WHEN jsonb_typeof("request_snapshot" -> 'sample') = 'array' THEN jsonb_array_length("request_snapshot" -> 'sample') ELSE 0 END)
WHERE "request_snapshot" IS NOT NULL AND jsonb_typeof("request_snapshot") = 'object' AND "request_snapshot" ? 'sample';
