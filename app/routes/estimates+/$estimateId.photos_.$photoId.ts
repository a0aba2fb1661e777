// One photo of an estimate, for the business that owns it only (another business's is a 404).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { servePhoto } from "~/web/job-photos.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(({ request, params }: LoaderFunctionArgs) =>
  servePhoto(request, { kind: "estimate", id: params.estimateId! }, params.photoId!),
);
