// An expense's receipt photo, for the business that owns it only (another business's id is a 404). The
// type was decided from the file's bytes at upload; nosniff keeps browsers from second-guessing it.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getReceipt } from "~/models/expense.server";
import { requireBusiness } from "~/utils/auth.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { businessId } = await requireBusiness(request);
  const receipt = await getReceipt(businessId, params.expenseId ?? "");
  if (!receipt) {
    throw new Response("No receipt photo", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store" },
    });
  }
  // The expense page links to ?v=<upload time>, which changes with every new photo: that URL can be cached for good.
  const version = new URL(request.url).searchParams.get("v");
  const cacheControl = version === String(receipt.createdAt.getTime()) ? "private, max-age=31536000, immutable" : "private, no-cache";
  return new Response(receipt.bytes, {
    status: 200,
    headers: {
      "Content-Type": receipt.mimeType,
      "Content-Length": String(receipt.bytes.byteLength),
      "X-Content-Type-Options": "nosniff",
      "Content-Disposition": "inline",
      "Cache-Control": cacheControl,
      "Last-Modified": receipt.createdAt.toUTCString(),
    },
  });
}
