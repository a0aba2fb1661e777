// Background jobs and email delivery for the signed-in business: queued and failed jobs with their
// last error, recent emails with their status, and a retry button for an email that failed.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { StatusBadge } from "~/components/status-badge";
import { jobOverview } from "~/models/jobs-admin.server";
import { requireBusiness } from "~/web/auth.server";
import { retryEmail } from "~/utils/email.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { replyWithFormError } from "~/web/forms.server";
import type { RouteHandle } from "~/root";
import { RetrySchema } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Jobs and email | Invoice Link" }];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  return json(await jobOverview(businessId));
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const submission = parseWithZod(await request.formData(), { schema: RetrySchema });
  if (submission.status !== "success") return replyWithFormError(submission, "Choose an email to retry");
  const retried = await retryEmail(businessId, submission.value.messageId);
  return redirectWithFlash(
    request,
    "/settings/jobs",
    retried ? { kind: "success", message: "The email is queued again." } : { kind: "info", message: "That email is not failed; nothing to retry." },
  );
});

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") + " UTC" : "");

export default function Jobs() {
  const { queued, failed, emails } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Jobs and email</h1>
      <section className="card">
        <h2>Failed jobs</h2>
        {failed.length === 0 ? <p className="muted">None.</p> : null}
        <ul>
          {failed.map((j) => (
            <li key={j.id} data-testid="failed-job">
              <strong>{j.task}</strong> after {j.attempts} attempts, last run {when(j.runAt)}
              {j.lastError ? <pre className="prewrap">{j.lastError.split("\n")[0]}</pre> : null}
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>Queued jobs</h2>
        {queued.length === 0 ? <p className="muted">Nothing waiting.</p> : null}
        <ul>
          {queued.map((j) => (
            <li key={j.id} data-testid="queued-job">
              <strong>{j.task}</strong> {j.lockedAt ? "running now" : `runs ${when(j.runAt)}`}
              {j.attempts ? ` (attempt ${j.attempts + 1} of ${j.maxAttempts})` : ""}
              {j.lastError ? <span className="muted"> · last error: {j.lastError.split("\n")[0]}</span> : null}
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>Recent email</h2>
        {emails.length === 0 ? <p className="muted">No email yet.</p> : null}
        <div className="table-scroll">
          <table className="stacked">
            <thead>
              <tr>
                <th>Created</th>
                <th>To</th>
                <th>Subject</th>
                <th>Status</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {emails.map((m) => (
                <tr key={m.id} data-testid="email-row">
                  <td data-label="Created">{when(m.createdAt)}</td>
                  <td data-label="To">{m.to}</td>
                  <td data-label="Subject">
                    {m.invoiceId ? <a href={`/invoices/${m.invoiceId}`}>{m.subject}</a> : m.subject}
                    {m.error ? <div className="muted">{m.error}</div> : null}
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={m.status} /> {m.attempts > 1 ? <span className="muted">{m.attempts} attempts</span> : null}
                  </td>
                  <td>
                    {m.status === "FAILED" ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="retry-email" />
                        <input type="hidden" name="messageId" value={m.id} />
                        <button type="submit" className="button-small">
                          Retry
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";
