// The estimate's photos page: the upload and delete forms on the estimate page post here (see app/web/job-photos.server.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { JobPhotosPage } from "~/components/job-photos-page";
import { photosPageAction, photosPageLoader } from "~/web/job-photos.server";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Photos for ${data?.number ?? "estimate"} | Invoice Link` }];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(({ request, params }: LoaderFunctionArgs) =>
  photosPageLoader(request, { kind: "estimate", id: params.estimateId! }),
);

export const action = /* @__PURE__ */ mapDomainErrors(({ request, params }: ActionFunctionArgs) =>
  photosPageAction(request, { kind: "estimate", id: params.estimateId! }),
);

export default function EstimatePhotos() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <JobPhotosPage data={data} error={actionData?.result.error?.photo?.[0] ?? null} />;
}

export { ErrorBoundary } from "~/components/error-boundary";
