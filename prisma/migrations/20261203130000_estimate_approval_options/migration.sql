-- Estimates the customer signs and shapes (issue 14): the approving customer types their name, kept with
-- the time (approvedAt), IP and user agent; optional lines are offered unticked and count toward the
-- estimate's total (and the converted invoice) only when the customer ticks them.

-- AlterTable
ALTER TABLE "Estimate" ADD COLUMN "approvedByName" TEXT,
ADD COLUMN "approvedIp" TEXT,
ADD COLUMN "approvedUserAgent" TEXT;

-- AlterTable
ALTER TABLE "EstimateLine" ADD COLUMN "optional" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "selected" BOOLEAN NOT NULL DEFAULT false;
