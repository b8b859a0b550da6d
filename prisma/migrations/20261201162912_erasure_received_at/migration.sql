-- AlterTable
ALTER TABLE "erasure_requests" ADD COLUMN     "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Requests filed before this column existed were received when they were filed.
UPDATE "erasure_requests" SET "received_at" = "created_at";
