// Recurring invoice schedules of the signed-in business, with a stop button each.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { toDateString } from "~/utils/dates";
import { formatInvoiceNumber } from "~/models/invoice.server";
import { describeSchedule, listSchedules, stopSchedule } from "~/models/recurring.server";
import { requireBusiness } from "~/web/auth.server";
import { businessDefaults } from "~/models/business.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { replyWithFormError } from "~/web/forms.server";
import type { RouteHandle } from "~/root";
import { StopSchema } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Recurring invoices | Invoice Link" }];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const [schedules, { invoicePrefix }] = await Promise.all([listSchedules(businessId), businessDefaults(businessId)]);
  return json({
    schedules: schedules.map((s) => ({
      id: s.id,
      active: s.active,
      every: describeSchedule(s),
      nextRunOn: toDateString(s.nextRunOn),
      endOn: s.endOn ? toDateString(s.endOn) : null,
      remainingCount: s.remainingCount,
      autoSend: s.autoSend,
      made: s._count.invoices,
      customer: s.customer,
      template: {
        id: s.templateInvoice.id,
        number: formatInvoiceNumber(invoicePrefix, s.templateInvoice.number),
        total: formatMoney(s.templateInvoice.totalCents, s.templateInvoice.currency),
      },
    })),
  });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const submission = parseWithZod(await request.formData(), { schema: StopSchema });
  if (submission.status !== "success") return replyWithFormError(submission, "Choose a schedule");
  await stopSchedule(businessId, submission.value.scheduleId);
  return redirectWithFlash(request, "/recurring", { kind: "success", message: "Schedule stopped. Invoices already made are kept." });
});

export default function Recurring() {
  const { schedules } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Recurring invoices</h1>
      <p className="muted">Open an invoice and use “Repeat this invoice” to make a schedule.</p>
      {schedules.length === 0 ? <p>No schedules yet.</p> : null}
      {schedules.map((s) => (
        <article key={s.id} className="card" data-testid="schedule">
          <h2>
            {s.customer.name}: <Link to={`/invoices/${s.template.id}`}>{s.template.number}</Link> ({s.template.total}) {s.every}
          </h2>
          <p>
            {s.active ? `Next on ${s.nextRunOn}` : "Stopped"}
            {s.endOn ? ` · ends ${s.endOn}` : ""}
            {s.remainingCount !== null ? ` · ${s.remainingCount} left` : ""} · {s.made} made ·{" "}
            {s.autoSend ? "emailed automatically" : "kept as drafts to review"}
          </p>
          {s.active ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="stop" />
              <input type="hidden" name="scheduleId" value={s.id} />
              <button type="submit" className="link-button danger">
                Stop this schedule
              </button>
            </Form>
          ) : null}
        </article>
      ))}
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";
