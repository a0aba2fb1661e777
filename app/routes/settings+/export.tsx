// Settings → Export your data: the owner asks for a zip of everything the business has, watches it
// being built (the page refreshes itself while an export is queued or running, JavaScript or not) and
// downloads it from /export/data/<id>.zip for seven days. One export at a time per business.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SubmitButton, formErrors } from "~/components/forms";
import { EXPORT_TTL_MS, listDataExports, requestDataExport } from "~/models/data-export.server";
import { requireOwner } from "~/web/auth.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { replyWithFormError } from "~/web/forms.server";
import { RequestExportSchema } from "./__forms.server";

/** While an export is being built, the page reloads itself this often (a plain meta refresh). */
const REFRESH_SECONDS = 3;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: "Export your data | Invoice Link" },
  ...(data?.inProgress ? [{ httpEquiv: "refresh", content: String(REFRESH_SECONDS) }] : []),
];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireOwner(request);
  const exports = await listDataExports(businessId);
  return json(
    { exports, inProgress: exports.some((e) => e.status === "QUEUED" || e.status === "RUNNING"), ttlDays: EXPORT_TTL_MS / 86_400_000 },
    { headers: { "Cache-Control": "private, no-store" } },
  );
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId, user } = await requireOwner(request);
  const submission = parseWithZod(await request.formData(), { schema: RequestExportSchema });
  if (submission.status !== "success") return replyWithFormError(submission, "Unknown request.");
  const result = await requestDataExport(businessId, user.id);
  if (result.status === "in-progress") {
    return replyWithFormError(submission, "An export is already being prepared. It will appear below when it is ready.", { status: 409 });
  }
  return redirectWithFlash(request, "/settings/export", { kind: "success", message: "Your export is being prepared. This page updates by itself." });
});

const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "");

function size(bytes: number | null) {
  if (bytes === null) return "";
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const STATUS_TEXT = { QUEUED: "Waiting to start", RUNNING: "Preparing", READY: "Ready", FAILED: "Failed", EXPIRED: "Expired" } as const;

export default function ExportData() {
  const { exports, inProgress, ttlDays } = useLoaderData<typeof loader>();
  const formError = formErrors(useActionData<typeof action>()?.result)?.[0];
  const navigation = useNavigation();
  return (
    <div className="stack">
      <h1>Export your data</h1>
      <div className="card stack">
        <p>
          Download a copy of everything Invoice Link holds for your business: the business profile and logo, users (without passwords), customers, estimates,
          invoices and their line items, payments, the emails sent (who, when, subject and delivery status; not the bodies), the activity feed, recurring
          schedules, expenses with their receipt photos and property facts. Every table comes as JSON and as CSV in one zip file.
        </p>
        <p className="muted">The file is prepared in the background and can be downloaded for {ttlDays} days. One export at a time.</p>
        {formError ? (
          <p className="form-errors" role="alert">
            {formError}
          </p>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value="request-export" />
          <SubmitButton pending={navigation.state === "submitting"} disabled={inProgress}>
            Request an export
          </SubmitButton>
        </Form>
      </div>
      <section className="card">
        <h2>Your exports</h2>
        {exports.length === 0 ? <p className="muted">None yet.</p> : null}
        <ul>
          {exports.map((e) => (
            <li key={e.id} data-testid="data-export" data-status={e.status}>
              Requested {when(e.createdAt)}: <strong>{STATUS_TEXT[e.status]}</strong>
              {e.status === "QUEUED" || e.status === "RUNNING" ? (
                <>
                  {" "}
                  <progress value={e.progress} max={100} aria-label="Export progress">
                    {e.progress}%
                  </progress>{" "}
                  {e.progress}% <span className="muted">(this page refreshes every few seconds)</span>
                </>
              ) : null}
              {e.status === "READY" ? (
                <>
                  {" "}
                  <a href={`/export/data/${e.id}.zip`} download>
                    Download ({size(e.sizeBytes)})
                  </a>{" "}
                  <span className="muted">until {when(e.expiresAt)}</span>
                </>
              ) : null}
              {e.status === "FAILED" ? <span className="muted"> Please request a new one.</span> : null}
            </li>
          ))}
        </ul>
      </section>
      <p>
        <Link to="/settings">Back to settings</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";
