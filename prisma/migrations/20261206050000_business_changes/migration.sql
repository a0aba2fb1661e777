-- Every write to a business's data is noted here, by trigger, whatever path made it (Prisma, a raw statement,
-- the payment transaction, a cascade, the worker, psql): the business and the writing transaction's id. A kept
-- contractor page (app/web/page-cache.server.ts, docs/decisions/029-kept-contractor-pages.md) is current while
-- no transaction that wrote to its business has committed since the snapshot it was rendered from: a row here
-- that the page's snapshot does not see, and the present does. Rows are only ever inserted, so writers never
-- wait on each other; one row per transaction and business. The nightly cleanup deletes rows a kept page can no
-- longer need (app/models/business-changes.server.ts).

-- CreateTable
CREATE TABLE "BusinessChange" (
    "businessId" TEXT NOT NULL,
    "xid" BIGINT NOT NULL,

    CONSTRAINT "BusinessChange_pkey" PRIMARY KEY ("businessId","xid")
);

CREATE FUNCTION "note_business_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- The transaction's id (assigned now if this is its first write), as a bigint.
  tx BIGINT := pg_current_xact_id()::text::bigint;
  business TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN
    business := OLD."businessId";
  ELSE
    business := NEW."businessId";
  END IF;
  -- The business this transaction noted last (transaction-local, and named with the transaction's id so that
  -- no session-wide setting can pass for it): a transaction writing many rows of one business notes it once.
  IF current_setting('invoicelink.noted_business', true) IS DISTINCT FROM tx || ':' || business THEN
    INSERT INTO "BusinessChange" ("businessId", "xid") VALUES (business, tx) ON CONFLICT DO NOTHING;
    PERFORM set_config('invoicelink.noted_business', tx || ':' || business, true);
  END IF;
  -- Tenancy never moves a row, but should one move, both businesses have changed.
  IF TG_OP = 'UPDATE' AND OLD."businessId" IS DISTINCT FROM NEW."businessId" THEN
    INSERT INTO "BusinessChange" ("businessId", "xid") VALUES (OLD."businessId", tx) ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;

-- Every table with a businessId but Session (a kept page reads its session row itself, and signing in must
-- not mark the business's pages as changed). tests/integration/session-page-cache.test.ts holds every such
-- table, present and future, to having this trigger. TRUNCATE, session_replication_role = replica and
-- pg_restore --disable-triggers skip row triggers: the app uses none of them on live data.
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
