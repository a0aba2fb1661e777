-- The job that delivers a message, for messages sent in a batch job (reminders): graphile-worker's
-- public API finds jobs by job_key only (docs/decisions/018-job-queue-access.md). Null: the message has
-- a job of its own, keyed send-email:<id>.

-- AlterTable
ALTER TABLE "EmailMessage" ADD COLUMN "batchJobKey" TEXT;

-- CreateIndex
CREATE INDEX "EmailMessage_batchJobKey_idx" ON "EmailMessage"("batchJobKey");
