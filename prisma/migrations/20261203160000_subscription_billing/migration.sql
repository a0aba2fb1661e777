-- Subscription billing for Invoice Link itself (docs/decisions/014-subscription-billing.md): one row per
-- business holding the Stripe Billing state as the webhooks last reported it, and the ids of the billing
-- events already processed (idempotency by event id).

-- CreateTable
CREATE TABLE "Subscription" (
    "businessId" TEXT NOT NULL,
    "stripeCustomerId" TEXT,
    "stripeSubscriptionId" TEXT,
    "status" TEXT,
    "priceId" TEXT,
    "interval" TEXT,
    "currentPeriodEnd" TIMESTAMP(3),
    "cancelAtPeriodEnd" BOOLEAN NOT NULL DEFAULT false,
    "cancelAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "stripeTrialEnd" TIMESTAMP(3),
    "stateSubscriptionCreated" INTEGER NOT NULL DEFAULT 0,
    "stateEventCreated" INTEGER NOT NULL DEFAULT 0,
    "stateEventId" TEXT,
    "lastPaymentFailedAt" TIMESTAMP(3),
    "lastPaymentFailedInvoiceId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Subscription_pkey" PRIMARY KEY ("businessId")
);

-- CreateTable
CREATE TABLE "ProcessedBillingEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "processedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedBillingEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Subscription_stripeCustomerId_key" ON "Subscription"("stripeCustomerId");
CREATE UNIQUE INDEX "Subscription_stripeSubscriptionId_key" ON "Subscription"("stripeSubscriptionId");
CREATE INDEX "ProcessedBillingEvent_processedAt_idx" ON "ProcessedBillingEvent"("processedAt");

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;
