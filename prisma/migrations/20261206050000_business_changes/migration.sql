-- Every write to a business's data is noted here, by trigger, whatever path made it (Prisma, a raw
-- statement, the payment transaction, a cascade, the worker, psql): the newest id per business tells a kept
-- contractor page (app/web/page-cache.server.ts, docs/decisions/029-kept-contractor-pages.md) whether anything it
-- could show has changed since it was rendered. Rows are only ever inserted, so writers never wait on each other;
-- one row per transaction and business (the trigger remembers, for the rest of the transaction, the business
-- it noted last); the nightly cleanup keeps only each business's newest row.

-- CreateTable
CREATE TABLE "BusinessChange" (
    "businessId" TEXT NOT NULL,
    "id" BIGSERIAL NOT NULL,

    CONSTRAINT "BusinessChange_pkey" PRIMARY KEY ("businessId","id")
);

CREATE FUNCTION "note_business_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  business TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN
    business := OLD."businessId";
  ELSE
    business := NEW."businessId";
  END IF;
  IF current_setting('invoicelink.noted_business', true) IS DISTINCT FROM business THEN
    INSERT INTO "BusinessChange" ("businessId") VALUES (business);
    PERFORM set_config('invoicelink.noted_business', business, true);
  END IF;
  -- Tenancy never moves a row, but should one move, both businesses have changed.
  IF TG_OP = 'UPDATE' AND OLD."businessId" IS DISTINCT FROM NEW."businessId" THEN
    INSERT INTO "BusinessChange" ("businessId") VALUES (OLD."businessId");
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;

-- Every table with a businessId but Session (a kept page reads its session row itself, and signing in must
-- not mark the business's pages as changed). tests/integration/session-page-cache.test.ts holds every such
-- table, present and future, to having this trigger.
CREATE TRIGGER "User_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "User" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "Customer_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "Customer" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "Invoice_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "Invoice" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "RecurringSchedule_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "RecurringSchedule" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "InvoiceLine_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "InvoiceLine" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "InvoiceRevision_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "InvoiceRevision" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "Estimate_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "Estimate" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "EstimateLine_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "EstimateLine" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "Payment_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "Payment" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "Refund_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "Refund" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "ActivityEvent_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "ActivityEvent" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "EmailMessage_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "EmailMessage" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "RefreshTokenFamily_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "RefreshTokenFamily" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "DataExport_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "DataExport" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "Expense_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "Expense" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "ExpenseReceipt_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "ExpenseReceipt" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "PropertyDetails_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "PropertyDetails" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "PropertyLookupUsage_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "PropertyLookupUsage" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "ConnectState_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "ConnectState" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "Subscription_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "Subscription" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "IdempotencyKey_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "IdempotencyKey" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "DeletedRecord_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "DeletedRecord" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "SavedItem_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "SavedItem" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
CREATE TRIGGER "JobPhoto_note_business_change" BEFORE INSERT OR UPDATE OR DELETE ON "JobPhoto" FOR EACH ROW EXECUTE FUNCTION "note_business_change"();
