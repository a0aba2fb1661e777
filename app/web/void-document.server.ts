// The void confirmation page of an invoice or an estimate (/invoices/<id>/void, /estimates/<id>/void):
// where "Void this …" leads without JavaScript (app/components/confirm-void.tsx). The loader says what
// voiding will do; the action voids and goes back to the document with a flash. Voiding turns the
// customer's link off at once, so it is never one tap. Shared by invoices+ and estimates+.
import { json, redirect } from "@remix-run/node";
import { businessDefaults } from "~/models/business.server";
import { formatEstimateNumber, formatInvoiceNumber } from "~/models/document-numbers";
import type { DocumentKind } from "~/models/document-input";
import { DomainError } from "~/models/errors.server";
import { getEstimate, voidEstimate } from "~/models/estimate.server";
import { getInvoice, voidInvoice } from "~/models/invoice.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { requireBusiness } from "./auth.server";

type VoidDocument = { kind: DocumentKind; id: string };

/** What the page says about the document, and whether it can still be voided. */
type Voidable = {
  voidable: boolean;
  number: string;
  customerName: string;
  totalCents: number;
  currency: string;
  /** Sent: the customer has a link that voiding turns off. */
  sent: boolean;
  amountPaidCents: number;
};

const VOID_KINDS: Record<
  DocumentKind,
  { noun: string; load: (businessId: string, id: string) => Promise<Voidable>; void: (businessId: string, id: string) => Promise<unknown> }
> = {
  invoice: {
    noun: "Invoice",
    load: async (businessId, id) => {
      const [invoice, business] = await Promise.all([getInvoice(businessId, id), businessDefaults(businessId)]);
      return {
        voidable: invoice.status !== "VOID",
        number: formatInvoiceNumber(business.invoicePrefix, invoice.number),
        customerName: invoice.customer.name,
        totalCents: invoice.totalCents,
        currency: invoice.currency,
        sent: invoice.status !== "DRAFT",
        amountPaidCents: invoice.amountPaidCents,
      };
    },
    void: voidInvoice,
  },
  estimate: {
    noun: "Estimate",
    load: async (businessId, id) => {
      const estimate = await getEstimate(businessId, id);
      return {
        // A converted estimate is voided through its invoice.
        voidable: estimate.status !== "VOID" && !estimate.invoice,
        number: formatEstimateNumber(estimate.business.estimatePrefix, estimate.number),
        customerName: estimate.customer.name,
        totalCents: estimate.totalCents,
        currency: estimate.currency,
        sent: estimate.status !== "DRAFT",
        amountPaidCents: 0,
      };
    },
    void: voidEstimate,
  },
};

const documentPath = (doc: VoidDocument) => `/${doc.kind}s/${doc.id}`;

export async function voidPageLoader(request: Request, doc: VoidDocument) {
  const { businessId } = await requireBusiness(request);
  const found = await VOID_KINDS[doc.kind].load(businessId, doc.id);
  if (!found.voidable) throw redirect(documentPath(doc));
  return json({
    kind: doc.kind,
    documentPath: documentPath(doc),
    number: found.number,
    customerName: found.customerName,
    total: formatMoney(found.totalCents, found.currency),
    paid: found.amountPaidCents > 0 ? formatMoney(found.amountPaidCents, found.currency) : null,
    sent: found.sent,
  });
}

export async function voidPageAction(request: Request, doc: VoidDocument) {
  const { businessId } = await requireBusiness(request);
  const { noun, load, void: voidDocument } = VOID_KINDS[doc.kind];
  await load(businessId, doc.id); // another business's id is a 404, as on the page
  const back = documentPath(doc);
  try {
    await voidDocument(businessId, doc.id);
  } catch (error) {
    if (error instanceof DomainError) return redirectWithFlash(request, back, { kind: "error", message: error.message });
    throw error;
  }
  return redirectWithFlash(request, back, { kind: "success", message: `${noun} voided.` });
}
