import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Fragment } from "react";
import { getFormProps, getInputProps, useServerForm } from "~/components/server-form";
import { Field, formErrors, SubmitButton } from "~/components/forms";
import { PropertyPanel } from "~/components/property-panel";
import { paymentMethodLabel, statusLabel } from "~/models/labels";
import { eraseCustomerSchema } from "~/models/customer-form";
import { customerHistory, getCustomer } from "~/models/customer.server";
import { propertyPanel } from "~/models/property.server";
import { requireBusiness } from "~/web/auth.server";
import { googleMapsConfigured } from "~/utils/google-maps.server";
import { rentcastConfigured } from "~/utils/rentcast.server";
import { formatMoney } from "~/utils/money";
import { mapDomainErrors } from "~/web/errors.server";
import { type FormReply, replyWithFormError } from "~/web/forms.server";
import type { RouteHandle } from "~/root";
import { HistoryTable } from "./history-table";
import { archiveAction, customerActionSchema, eraseAction, propertyLookupAction, restoreAction } from "./actions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.customer.name ?? "Customer"} | Invoice Link` }];

// A customer's page is links and plain forms that work fully as HTML; hydrating would add only pending
// labels, for 93.5 KB of JavaScript against issue 17's 90 (decision 022).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const history = await customerHistory(businessId, params.customerId ?? "");
  // Optional integrations: nothing here calls a provider; the page only offers the buttons.
  const { customer } = history;
  const hasAddress = Boolean(customer.addressLine1 && (customer.city || customer.postalCode));
  return json({
    ...history,
    // The erase form's HTML constraints; its schema is built per customer (the name to type).
    eraseConstraint: getZodConstraint(eraseCustomerSchema(customer.name)),
    property: rentcastConfigured() ? await propertyPanel(businessId, customer) : null,
    streetView:
      googleMapsConfigured() && hasAddress
        ? { show: new URL(request.url).searchParams.get("streetView") === "1", version: new Date(customer.updatedAt).getTime() }
        : null,
  });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const { id, name } = await getCustomer(businessId, params.customerId ?? "");
  const submission = parseWithZod(await request.formData(), { schema: customerActionSchema(name) });
  if (submission.status !== "success") {
    // A known button with bad input (the erase form's name) shows its field errors; anything else is a stale page.
    return submission.payload.intent === "erase"
      ? json<FormReply>({ result: submission.reply() }, { status: 400 })
      : replyWithFormError(submission, "That action is not available. Reload the page and try again.");
  }
  const args = { request, submission, businessId, customerId: id };
  switch (submission.value.intent) {
    case "erase":
      return eraseAction(args);
    case "property-lookup":
      return propertyLookupAction(args);
    case "archive":
      return archiveAction(args);
    case "restore":
      return restoreAction(args);
  }
});

/** Text typed with line breaks (notes, addresses) shown with its line breaks, still escaped by React. */
function Lines({ lines }: { lines: string[] }) {
  return (
    <>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 ? <br /> : null}
          {line}
        </Fragment>
      ))}
    </>
  );
}

/** An invoice's or estimate's first cell: its number, linked, over the day it was issued. */
function DocumentCell({ to, label, issuedOn }: { to: string; label: string; issuedOn: string }) {
  return (
    <td>
      <Link to={to}>{label}</Link>
      <br />
      <span className="muted">{issuedOn}</span>
    </td>
  );
}

export default function CustomerDetail() {
  const { customer, business, estimates, moreEstimates, invoices, moreInvoices, payments, morePayments, balanceOwed, property, streetView, eraseConstraint } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>()?.result;
  // One reply for the page's buttons: the erase form shows its own, the others show above the page.
  const eraseResult = result?.initialValue?.intent === "erase" ? result : undefined;
  const pageError = eraseResult ? null : formErrors(result)?.[0];
  const navigation = useNavigation();
  const pendingIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const archived = Boolean(customer.archivedAt);
  const [eraseForm, eraseFields] = useServerForm({
    id: "erase-customer",
    lastResult: eraseResult,
    constraint: eraseConstraint,
  });
  const cityLine = [customer.city, customer.region, customer.postalCode].filter(Boolean).join(", ");
  const address = [customer.addressLine1, customer.addressLine2, cityLine, customer.country].filter((l): l is string => Boolean(l));

  return (
    <div className="stack">
      <h1>
        {customer.name}
        {archived ? <span className="muted"> (archived)</span> : null}
      </h1>
      {pageError ? (
        <p className="form-errors" role="alert">
          {pageError}
        </p>
      ) : null}

      <p>
        {archived ? (
          <span className="muted">Restore this customer to create invoices or estimates for them.</span>
        ) : (
          <>
            <Link to={`/invoices/new?customerId=${encodeURIComponent(customer.id)}`} className="button">
              New invoice
            </Link>{" "}
            <Link to={`/estimates/new?customerId=${encodeURIComponent(customer.id)}`} className="button button-secondary">
              New estimate
            </Link>{" "}
          </>
        )}{" "}
        <Link to={`/customers/${customer.id}/edit`}>Edit</Link> <Link to={`/expenses?customerId=${encodeURIComponent(customer.id)}`}>Expenses</Link>
      </p>

      <div className="card stack">
        <h2>Balance owed</h2>
        {balanceOwed.length === 0 ? (
          <p>
            <strong>{formatMoney(0, business.currency)}</strong> <span className="muted">Nothing is owed on sent invoices.</span>
          </p>
        ) : (
          balanceOwed.map((b) => (
            <p key={b.currency}>
              <strong>{formatMoney(b.cents, b.currency)}</strong> <span className="muted">on sent, unpaid invoices</span>
            </p>
          ))
        )}
      </div>

      <div className="card stack">
        <h2>Contact</h2>
        <dl>
          <dt>Email</dt>
          <dd>{customer.email ? <a href={`mailto:${customer.email}`}>{customer.email}</a> : <span className="muted">None</span>}</dd>
          <dt>Phone</dt>
          <dd>{customer.phone ? <a href={`tel:${customer.phone.replace(/[^\d+]/g, "")}`}>{customer.phone}</a> : <span className="muted">None</span>}</dd>
          <dt>Address</dt>
          <dd>{address.length ? <Lines lines={address} /> : <span className="muted">None</span>}</dd>
        </dl>
        {customer.notes ? (
          <>
            <h3>Notes</h3>
            <p>
              <Lines lines={customer.notes.split("\n")} />
            </p>
          </>
        ) : null}
      </div>

      <PropertyPanel customerId={customer.id} property={property} streetView={streetView} />

      <HistoryTable
        name="invoices"
        title="Invoices"
        columns={["Invoice", "Status", "Total"]}
        rows={invoices}
        more={moreInvoices}
        row={(invoice) => (
          <>
            <DocumentCell to={`/invoices/${invoice.id}`} label={invoice.label} issuedOn={invoice.issuedOn} />
            <td>
              {statusLabel(invoice.displayStatus)}
              {invoice.displayStatus !== "PAID" && invoice.amountPaidCents > 0 ? (
                <>
                  <br />
                  <span className="muted">{formatMoney(invoice.amountPaidCents, invoice.currency)} paid</span>
                </>
              ) : null}
            </td>
            <td>{formatMoney(invoice.totalCents, invoice.currency)}</td>
          </>
        )}
      />

      <HistoryTable
        name="estimates"
        title="Estimates"
        columns={["Estimate", "Status", "Total"]}
        rows={estimates}
        more={moreEstimates}
        row={(estimate) => (
          <>
            <DocumentCell to={`/estimates/${estimate.id}`} label={estimate.label} issuedOn={estimate.issuedOn} />
            <td>{statusLabel(estimate.status)}</td>
            <td>{formatMoney(estimate.totalCents, estimate.currency)}</td>
          </>
        )}
      />

      <HistoryTable
        name="payments"
        title="Payments"
        columns={["Received", "Invoice", "Amount"]}
        rows={payments}
        more={morePayments}
        row={(payment) => (
          <>
            <td>
              {payment.receivedOn}
              <br />
              <span className="muted">
                {paymentMethodLabel(payment.method)}
                {payment.status !== "SUCCEEDED" ? ` · ${statusLabel(payment.status)}` : null}
              </span>
            </td>
            <td>
              <Link to={`/invoices/${payment.invoice.id}`}>{payment.invoice.label}</Link>
            </td>
            <td>{formatMoney(payment.amountCents, payment.currency)}</td>
          </>
        )}
      />

      <Form method="post" className="card">
        {archived ? (
          <>
            <p className="muted">Archived customers are hidden from your list and cannot be picked for new invoices or estimates.</p>
            <button type="submit" name="intent" value="restore" disabled={pendingIntent === "restore"}>
              {pendingIntent === "restore" ? "Restoring…" : "Restore customer"}
            </button>
          </>
        ) : (
          <>
            <p className="muted">Archiving hides this customer from your list and from new invoices. Their history is kept.</p>
            <button type="submit" name="intent" value="archive" className="button-secondary" disabled={pendingIntent === "archive"}>
              {pendingIntent === "archive" ? "Archiving…" : "Archive customer"}
            </button>
          </>
        )}
      </Form>

      <section className="card stack" aria-labelledby="erase-heading">
        <h2 id="erase-heading">Erase customer</h2>
        <p>
          For a customer who asks to be forgotten (a CCPA or GDPR deletion request). Erasing deletes, at once and for good: their name and contact details,
          notes, estimates, recurring schedules, property details, the emails sent to them (queued ones are never sent) and the activity about them. Your data
          exports made before now are deleted too, since they contain them.
        </p>
        <p>
          Kept for your books: their invoices&apos; numbers, dates, statuses and amounts, and their payments&apos; amounts, dates and Stripe or PayPal ids,
          under the name &quot;Deleted customer&quot;, with notes, terms, line descriptions, card digits and payment references removed. Expenses linked to them
          stay, unlinked. Want a copy for them first? <Link to="/settings/export">Export your data</Link> before erasing.
        </p>
        {balanceOwed.length ? (
          <p className="muted">This customer still owes money on a sent invoice: void it or record the payment before erasing them.</p>
        ) : null}
        <Form method="post" className="stack" {...getFormProps(eraseForm)}>
          {eraseForm.errors?.length ? (
            <p className="form-errors" role="alert" id={eraseForm.errorId}>
              {eraseForm.errors.join(" ")}
            </p>
          ) : null}
          <Field
            label={`Type the customer's name (${customer.name}) to confirm`}
            inputProps={{ ...getInputProps(eraseFields.confirmName, { type: "text" }), autoComplete: "off" }}
            errors={eraseFields.confirmName.errors}
          />
          <SubmitButton name="intent" value="erase" pending={pendingIntent === "erase"} className="button-danger">
            Erase customer
          </SubmitButton>
        </Form>
      </section>

      <p>
        <Link to="/customers">Back to customers</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";
