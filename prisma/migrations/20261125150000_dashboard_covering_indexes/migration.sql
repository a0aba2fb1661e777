-- DropIndex
DROP INDEX "Payment_businessId_receivedAt_idx";

-- CreateIndex
CREATE INDEX "Invoice_businessId_status_dueDate_totalCents_amountPaidCent_idx" ON "Invoice"("businessId", "status", "dueDate", "totalCents", "amountPaidCents");

-- CreateIndex
CREATE INDEX "Payment_businessId_receivedAt_status_amountCents_idx" ON "Payment"("businessId", "receivedAt", "status", "amountCents");
