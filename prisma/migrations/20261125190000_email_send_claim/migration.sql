-- A short lease taken while a worker sends a message, so two runs of one send job cannot both send it.

-- AlterTable
ALTER TABLE "EmailMessage" ADD COLUMN     "claimedAt" TIMESTAMP(3);
