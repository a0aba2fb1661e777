-- Refunds from the app (docs/decisions/012-paypal-partner-and-refunds.md): each refund the owner asks for
-- is a row keyed by its idempotency key, so a double tap or a retry reaches the provider once; the
-- payment and invoice still change only from the provider's webhook.

-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('PENDING', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "Refund" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "paymentId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "status" "RefundStatus" NOT NULL DEFAULT 'PENDING',
    "providerRefundId" TEXT,
    "failureMessage" TEXT,
    "requestedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Refund_pkey" PRIMARY KEY ("id"),
    -- Not expressible in schema.prisma; the app never writes anything else.
    CONSTRAINT "Refund_amountCents_positive" CHECK ("amountCents" > 0)
);

-- CreateIndex
CREATE UNIQUE INDEX "Refund_businessId_idempotencyKey_key" ON "Refund"("businessId", "idempotencyKey");
CREATE INDEX "Refund_paymentId_status_idx" ON "Refund"("paymentId", "status");

-- AddForeignKey
ALTER TABLE "Refund" ADD CONSTRAINT "Refund_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Refund" ADD CONSTRAINT "Refund_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
