-- Job photos on invoices and estimates (issue 14): at most ten per document (checked under a lock on the
-- document row when one is added), each re-encoded on upload (JPEG, at most 1600 px, no EXIF). They go
-- with their document, and with the business.

-- CreateTable
CREATE TABLE "JobPhoto" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "invoiceId" TEXT,
    "estimateId" TEXT,
    "bytes" BYTEA NOT NULL,
    "mimeType" TEXT NOT NULL,
    "byteSize" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobPhoto_pkey" PRIMARY KEY ("id"),
    -- A photo belongs to exactly one document.
    CONSTRAINT "JobPhoto_one_document" CHECK (("invoiceId" IS NULL) <> ("estimateId" IS NULL))
);

-- CreateIndex
CREATE INDEX "JobPhoto_invoiceId_createdAt_idx" ON "JobPhoto"("invoiceId", "createdAt");
CREATE INDEX "JobPhoto_estimateId_createdAt_idx" ON "JobPhoto"("estimateId", "createdAt");
CREATE INDEX "JobPhoto_businessId_idx" ON "JobPhoto"("businessId");

-- AddForeignKey
ALTER TABLE "JobPhoto" ADD CONSTRAINT "JobPhoto_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "JobPhoto" ADD CONSTRAINT "JobPhoto_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "JobPhoto" ADD CONSTRAINT "JobPhoto_estimateId_fkey" FOREIGN KEY ("estimateId") REFERENCES "Estimate"("id") ON DELETE CASCADE ON UPDATE CASCADE;
