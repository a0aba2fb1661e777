-- The customer's latest look at a pay or estimate link (issue 17): a repeat view within a minute writes
-- nothing, so a customer refreshing the pay page costs reads only. The first view still sets viewedAt
-- and the status. Existing viewed documents start from their first view.

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN "lastViewedAt" TIMESTAMP(3);
ALTER TABLE "Estimate" ADD COLUMN "lastViewedAt" TIMESTAMP(3);

UPDATE "Invoice" SET "lastViewedAt" = "viewedAt" WHERE "viewedAt" IS NOT NULL;
UPDATE "Estimate" SET "lastViewedAt" = "viewedAt" WHERE "viewedAt" IS NOT NULL;
