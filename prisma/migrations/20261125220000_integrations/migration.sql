-- Optional integrations and expenses: expenses with receipt photos, cached property facts per customer and
-- the monthly property lookup counter (see docs/decisions/010-optional-integrations.md).

-- CreateEnum
CREATE TYPE "ExpenseCategory" AS ENUM ('MATERIALS', 'TOOLS', 'EQUIPMENT_RENTAL', 'SUBCONTRACTORS', 'FUEL', 'VEHICLE', 'PERMITS', 'INSURANCE', 'OFFICE', 'ADVERTISING', 'MEALS', 'OTHER');

-- CreateTable
CREATE TABLE "Expense" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "spentOn" DATE NOT NULL,
    "category" "ExpenseCategory" NOT NULL,
    "notes" TEXT,
    "customerId" TEXT,
    "invoiceId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Expense_pkey" PRIMARY KEY ("id"),
    -- Not expressible in schema.prisma; the app never writes anything else.
    CONSTRAINT "Expense_amountCents_positive" CHECK ("amountCents" > 0)
);

-- CreateTable
CREATE TABLE "ExpenseReceipt" (
    "id" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "expenseId" TEXT,
    "bytes" BYTEA NOT NULL,
    "mimeType" TEXT NOT NULL,
    "byteSize" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExpenseReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PropertyDetails" (
    "customerId" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "found" BOOLEAN NOT NULL,
    "propertyType" TEXT,
    "squareFeet" INTEGER,
    "lotSquareFeet" INTEGER,
    "bedrooms" INTEGER,
    "bathrooms" DOUBLE PRECISION,
    "yearBuilt" INTEGER,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PropertyDetails_pkey" PRIMARY KEY ("customerId")
);

-- CreateTable
CREATE TABLE "PropertyLookupUsage" (
    "businessId" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PropertyLookupUsage_pkey" PRIMARY KEY ("businessId","month"),
    CONSTRAINT "PropertyLookupUsage_count_not_negative" CHECK ("count" >= 0)
);

-- CreateIndex
CREATE INDEX "Expense_businessId_spentOn_id_idx" ON "Expense"("businessId", "spentOn", "id");

-- CreateIndex
CREATE INDEX "Expense_customerId_idx" ON "Expense"("customerId");

-- CreateIndex
CREATE INDEX "Expense_invoiceId_idx" ON "Expense"("invoiceId");

-- CreateIndex
CREATE UNIQUE INDEX "ExpenseReceipt_expenseId_key" ON "ExpenseReceipt"("expenseId");

-- CreateIndex
CREATE INDEX "ExpenseReceipt_businessId_createdAt_idx" ON "ExpenseReceipt"("businessId", "createdAt");

-- CreateIndex
CREATE INDEX "PropertyDetails_businessId_idx" ON "PropertyDetails"("businessId");

-- AddForeignKey
ALTER TABLE "Expense" ADD CONSTRAINT "Expense_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Expense" ADD CONSTRAINT "Expense_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Expense" ADD CONSTRAINT "Expense_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExpenseReceipt" ADD CONSTRAINT "ExpenseReceipt_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExpenseReceipt" ADD CONSTRAINT "ExpenseReceipt_expenseId_fkey" FOREIGN KEY ("expenseId") REFERENCES "Expense"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PropertyDetails" ADD CONSTRAINT "PropertyDetails_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PropertyDetails" ADD CONSTRAINT "PropertyDetails_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PropertyLookupUsage" ADD CONSTRAINT "PropertyLookupUsage_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;
