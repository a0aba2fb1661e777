// An expense's receipt photo, for the business that owns it only (another business's id is a 404).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getReceipt } from "~/models/expense.server";
import { requireBusiness } from "~/web/auth.server";
import { imageResponse, noImage } from "~/utils/image-response.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const receipt = await getReceipt(businessId, params.expenseId ?? "");
  if (!receipt) throw noImage("No receipt photo");
  // The expense page links to ?v=<upload time>, which changes with every new photo.
  return imageResponse(request, { bytes: receipt.bytes, mimeType: receipt.mimeType, version: receipt.createdAt });
});
