// POST /api/v1/estimates/:estimateId/send: emails the customer a signed link to approve or decline.
import { apiGetEstimate } from "~/web/api/api-resources.server";
import { sendEstimate } from "~/models/estimate.server";
import { EmptyBody } from "~/models/api-schemas";
import { apiAction, apiLoader, readJson, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request, params }) => {
      const { businessId } = await requireApiAuth(request);
      const estimate = await apiGetEstimate(businessId, params.estimateId!);
      await readJson(request, EmptyBody, { optional: true });
      await sendEstimate(businessId, estimate.id);
      return resourceResponse(request, await apiGetEstimate(businessId, estimate.id));
    },
  },
  false,
);
