-- The API as a contract (issue 15): payment dates as dates, one Idempotency-Key mechanism for every
-- creating POST, and tombstones so the apps' sync learns about deletions.

-- AlterTable: the day a payment was received, as a DATE. Manual payments were stored at 12:00 UTC of
-- the day the contractor chose, so their UTC date is that day (converting them to a zone twelve or
-- more hours ahead of UTC would move them to the next day: the bug being fixed). Online payments
-- carry the real instant: their day is the business's local date.
ALTER TABLE "Payment" ADD COLUMN "receivedOn" DATE;
UPDATE "Payment" p SET "receivedOn" = CASE
    WHEN p."provider" = 'manual' THEN p."receivedAt"::date
    ELSE ((p."receivedAt" AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(b."timeZone", 'UTC'))::date
  END
  FROM "Business" b WHERE b."id" = p."businessId";
UPDATE "Payment" SET "receivedOn" = "receivedAt"::date WHERE "receivedOn" IS NULL;

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "businessId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" INTEGER,
    "responseBody" TEXT,
    "etag" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("businessId","key","route")
);

-- CreateIndex
CREATE INDEX "IdempotencyKey_createdAt_idx" ON "IdempotencyKey"("createdAt");

-- AddForeignKey
ALTER TABLE "IdempotencyKey" ADD CONSTRAINT "IdempotencyKey_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "DeletedRecord" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeletedRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeletedRecord_businessId_deletedAt_id_idx" ON "DeletedRecord"("businessId", "deletedAt", "id");
CREATE INDEX "DeletedRecord_deletedAt_idx" ON "DeletedRecord"("deletedAt");

-- AddForeignKey
ALTER TABLE "DeletedRecord" ADD CONSTRAINT "DeletedRecord_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every delete of a synced resource leaves a tombstone, whatever code path (or cascade) deleted it:
-- a draft deleted, a customer erased with their estimates, a payment removed with its invoice. Only
-- ids are kept. When the whole business is being deleted (account closure) there is nobody left to
-- sync, and its row is already gone: nothing is written.
CREATE FUNCTION "record_deletion"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "Business" WHERE "id" = OLD."businessId") THEN
    INSERT INTO "DeletedRecord" ("id", "businessId", "resource", "resourceId", "deletedAt")
    VALUES (gen_random_uuid()::text, OLD."businessId", TG_ARGV[0], OLD."id", clock_timestamp());
  END IF;
  RETURN OLD;
END;
$$;

CREATE TRIGGER "Customer_record_deletion" AFTER DELETE ON "Customer" FOR EACH ROW EXECUTE FUNCTION "record_deletion"('customer');
CREATE TRIGGER "Invoice_record_deletion" AFTER DELETE ON "Invoice" FOR EACH ROW EXECUTE FUNCTION "record_deletion"('invoice');
CREATE TRIGGER "Estimate_record_deletion" AFTER DELETE ON "Estimate" FOR EACH ROW EXECUTE FUNCTION "record_deletion"('estimate');
CREATE TRIGGER "Payment_record_deletion" AFTER DELETE ON "Payment" FOR EACH ROW EXECUTE FUNCTION "record_deletion"('payment');
