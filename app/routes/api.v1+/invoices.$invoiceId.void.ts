// POST /api/v1/invoices/:invoiceId/void: the invoice stops being payable; its pay link stops working.
import { apiGetInvoice } from "~/web/api/api-resources.server";
import { voidInvoice } from "~/models/invoice.server";
import { EmptyBody } from "~/models/api-schemas";
import { apiAction, apiLoader, readJson, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request, params }) => {
      const { businessId } = await requireApiAuth(request);
      // No fields: an empty body or {}; anything else (text/plain garbage, unknown fields) is a 400.
      await readJson(request, EmptyBody, { optional: true });
      const invoice = await apiGetInvoice(businessId, params.invoiceId!);
      await voidInvoice(businessId, invoice.id);
      return resourceResponse(request, await apiGetInvoice(businessId, invoice.id));
    },
  },
  false,
);
