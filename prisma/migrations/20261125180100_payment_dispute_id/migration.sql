-- The provider's id of a payment's latest dispute: a late retry of an old dispute's events changes nothing.

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "disputeId" TEXT;
