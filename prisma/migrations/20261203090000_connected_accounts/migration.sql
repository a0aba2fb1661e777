-- Connected accounts (docs/decisions/011-connected-accounts.md): each business is paid into its own Stripe
-- connected account and PayPal merchant account; onboarding round trips carry a single-use state; payment
-- uniqueness includes the account the money landed in.

-- AlterTable
ALTER TABLE "Business" ADD COLUMN "stripeAccountId" TEXT,
ADD COLUMN "stripeAccountType" TEXT,
ADD COLUMN "stripeChargesEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "stripePayoutsEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "stripeDetailsSubmitted" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "stripeRequirementsDue" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "stripeBankLast4" TEXT,
ADD COLUMN "stripeAccountSyncedAt" TIMESTAMP(3),
ADD COLUMN "stripeConnectedAt" TIMESTAMP(3),
ADD COLUMN "paypalMerchantId" TEXT,
ADD COLUMN "paypalTrackingId" TEXT,
ADD COLUMN "paypalPaymentsReceivable" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "paypalEmailConfirmed" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "paypalAccountSyncedAt" TIMESTAMP(3),
ADD COLUMN "paypalConnectedAt" TIMESTAMP(3);

-- CreateIndex
CREATE UNIQUE INDEX "Business_stripeAccountId_key" ON "Business"("stripeAccountId");
CREATE UNIQUE INDEX "Business_paypalMerchantId_key" ON "Business"("paypalMerchantId");
CREATE UNIQUE INDEX "Business_paypalTrackingId_key" ON "Business"("paypalTrackingId");

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN "providerAccountId" TEXT NOT NULL DEFAULT '';

-- DropIndex / CreateIndex
DROP INDEX "Payment_provider_providerPaymentId_key";
CREATE UNIQUE INDEX "Payment_provider_providerAccountId_providerPaymentId_key" ON "Payment"("provider", "providerAccountId", "providerPaymentId");

-- CreateTable
CREATE TABLE "ConnectState" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConnectState_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ConnectState_businessId_idx" ON "ConnectState"("businessId");
CREATE INDEX "ConnectState_expiresAt_idx" ON "ConnectState"("expiresAt");

ALTER TABLE "ConnectState" ADD CONSTRAINT "ConnectState_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;
