// POST /api/v1/invoices/:invoiceId/send: {"via":"email"} emails the customer the pay link;
// {"via":"text"} marks it sent for the app to text the returned link from the phone.
import { apiGetInvoice, payLinkOf } from "~/web/api/api-resources.server";
import { SendBody } from "~/models/api-schemas";
import { markInvoiceSent, sendInvoice } from "~/models/invoice.server";
import { apiAction, apiJson, apiLoader, readJson, requireApiAuth } from "~/web/api.server";

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request, params }) => {
      const { businessId } = await requireApiAuth(request);
      const invoice = await apiGetInvoice(businessId, params.invoiceId!);
      const body = await readJson(request, SendBody, { optional: true });
      if (body.via === "email") await sendInvoice(businessId, invoice.id);
      else await markInvoiceSent(businessId, invoice.id);
      const sent = await apiGetInvoice(businessId, invoice.id);
      return apiJson({ data: sent, payLink: payLinkOf(sent) });
    },
  },
  false,
);
