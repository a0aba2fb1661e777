// POST /api/v1/invoices/:invoiceId/void: the invoice stops being payable; its pay link stops working.
import { apiGetInvoice } from "~/models/api-resources.server";
import { voidInvoice } from "~/models/invoice.server";
import { apiAction, apiLoader, requireApiAuth, resourceResponse } from "~/utils/api.server";

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request, params }) => {
      const { businessId } = await requireApiAuth(request);
      const invoice = await apiGetInvoice(businessId, params.invoiceId!);
      await voidInvoice(businessId, invoice.id);
      return resourceResponse(request, await apiGetInvoice(businessId, invoice.id));
    },
  },
  false,
);
