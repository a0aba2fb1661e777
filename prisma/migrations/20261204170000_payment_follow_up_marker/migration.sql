-- A provider payment's follow-up (card details, receipt, the contractor's notice) is marked on the
-- payment in the transaction that records it, instead of a job per payment: one coalescing job works
-- through the marked payments (docs/decisions/024-coalesced-payment-follow-ups.md).
-- followUpPendingAt: when the follow-up is due (or, while a worker holds it, when its lease ends);
-- NULL once done. The partial index keeps the sweep's scan to the few pending rows.

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN "followUpPendingAt" TIMESTAMP(3),
ADD COLUMN "followUpInvoicePaidAt" TIMESTAMP(3),
ADD COLUMN "followUpAttempts" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Payment_followUpPendingAt_idx" ON "Payment"("followUpPendingAt") WHERE "followUpPendingAt" IS NOT NULL;
