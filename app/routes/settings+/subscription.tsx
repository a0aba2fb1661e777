// Settings → Subscription (owner only): Invoice Link's own plan (app/models/subscription.server.ts) with
// plain forms that work without JavaScript: Subscribe monthly/yearly (Stripe Checkout, 303), Manage billing
// (the Customer Portal, 303), Cancel at period end and Resume. The state shown is what Stripe's webhooks
// reported; with no prices configured the deployment is free and the page says so. Then "Cancel and
// delete": the owner's password and the business name typed again, rate-limited like a password change,
// then app/models/account-closure.server.ts ends the subscription at once, deletes the account's personal
// data in one transaction and signs this browser out.
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, useServerForm } from "~/components/server-form";
import { Field, SubmitButton } from "~/components/forms";
import { accountClosureSummary, closeAccount } from "~/models/account-closure.server";
import { DomainError } from "~/models/errors.server";
import { getBillingState, openBillingPortal, plans, setCancelAtPeriodEnd, startSubscriptionCheckout } from "~/models/subscription.server";
import { logger } from "~/utils/logger.server";
import { requireOwner } from "~/web/auth.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { destroySessionCookie, redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";
import { BillingIntentSchema, CLOSE_ACCOUNT_CONSTRAINT, CloseAccountSchema } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Subscription | Invoice Link" }];

// Plans and closing the account are plain forms that work fully as HTML; hydrating would add only pending
// labels, for 91.6 KB of JavaScript against issue 17's 90 (decision 022).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireOwner(request);
  const business = await accountClosureSummary(businessId);
  const state = await getBillingState(businessId);
  const checkout = new URL(request.url).searchParams.get("checkout");
  return json({
    businessName: business.name,
    since: business.createdAt.toISOString().slice(0, 10),
    counts: business._count,
    plans: plans().map((p) => ({ id: p.id, label: p.label })),
    billing: {
      ...state,
      trialEndsAt: state.trialEndsAt?.toISOString().slice(0, 10) ?? null,
      currentPeriodEnd: state.currentPeriodEnd?.toISOString().slice(0, 10) ?? null,
      cancelAt: state.cancelAt?.toISOString().slice(0, 10) ?? null,
      stripeTrialEnd: state.stripeTrialEnd?.toISOString().slice(0, 10) ?? null,
    },
    checkout: (checkout === "success" || checkout === "cancelled" ? checkout : null) as "success" | "cancelled" | null,
    constraint: CLOSE_ACCOUNT_CONSTRAINT,
  });
});

async function billingAction(request: Request, businessId: string, formData: FormData) {
  const parsed = BillingIntentSchema.safeParse(Object.fromEntries(formData));
  const back = "/settings/subscription";
  if (!parsed.success) return redirectWithFlash(request, back, { kind: "error", message: "Choose a plan." });
  try {
    switch (parsed.data.intent) {
      case "subscribe":
        return redirect(await startSubscriptionCheckout(businessId, parsed.data.plan), 303);
      case "portal":
        return redirect(await openBillingPortal(businessId), 303);
      case "cancel":
        await setCancelAtPeriodEnd(businessId, true);
        return redirectWithFlash(request, back, {
          kind: "success",
          message: "Cancellation requested: the subscription ends at the end of the period you paid for. You can resume it until then.",
        });
      case "resume":
        await setCancelAtPeriodEnd(businessId, false);
        return redirectWithFlash(request, back, { kind: "success", message: "Your subscription continues: it renews at the end of the period." });
    }
  } catch (error) {
    if (error instanceof DomainError) return redirectWithFlash(request, back, { kind: "error", message: error.message });
    if (!(error as { type?: string }).type?.startsWith("Stripe")) throw error;
    logger.error({ err: (error as Error).message, intent: parsed.data.intent, businessId }, "stripe billing request failed");
    return redirectWithFlash(request, back, {
      kind: "error",
      message: "Billing is not reachable right now. Nothing was changed; please try again in a few minutes.",
    });
  }
}

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, context }: ActionFunctionArgs) => {
  const { businessId, user } = await requireOwner(request);
  const formData = await request.formData();
  // Billing buttons carry an intent; the closure form (below) has none.
  if (formData.has("intent")) return billingAction(request, businessId, formData);
  await enforceRateLimit("account-closure", context);
  const submission = parseWithZod(formData, { schema: CloseAccountSchema });
  if (submission.status !== "success") return json({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  // The business is the session's; a business id in the body is never read.
  const result = await closeAccount({ businessId, userId: user.id, password: submission.value.password, confirmName: submission.value.confirmName });
  if (!result.ok) return json({ result: submission.reply({ fieldErrors: { [result.field]: [result.message] }, hideFields: ["password"] }) }, { status: 400 });
  return redirectWithFlash(request, "/", { kind: "success", message: "Your account is closed and its data deleted. Thank you for using Invoice Link." }, [
    ["Set-Cookie", await destroySessionCookie()],
  ]);
});

export default function Subscription() {
  const { businessName, since, counts, plans, billing, checkout, constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.result;
  const navigation = useNavigation();
  const [form, fields] = useServerForm({
    id: "close-account",
    lastResult,
    constraint,
  });
  return (
    <div className="stack">
      <h1>Subscription</h1>
      <PlanSection since={since} plans={plans} billing={billing} checkout={checkout} />
      <section className="card stack" aria-labelledby="close-heading">
        <h2 id="close-heading">Cancel and delete</h2>
        <p>
          Closing the account signs everyone out and deletes, at once and for good: your customers ({counts.customers}), estimates, users and their logins,
          sessions and app sign-ins, queued emails and the email history, the activity feed, recurring schedules, expenses and receipt photos, data exports, the
          logo and the business&apos;s contact details. Every pay and estimate link you sent stops working.
        </p>
        <p>
          Kept, because tax law and payment disputes may require them: your invoices&apos; numbers, dates and amounts ({counts.invoices}) and your
          payments&apos; amounts, dates and Stripe or PayPal ids ({counts.payments}), with names, addresses, notes, line descriptions and card digits removed.{" "}
          <a href="/privacy">Privacy</a> explains what is kept and for how long.
        </p>
        <p>
          Want a copy first? <Link to="/settings/export">Export your data</Link> before you close the account.
        </p>
        <Form method="post" className="stack" {...getFormProps(form)}>
          {form.errors?.length ? <p className="form-errors">{form.errors.join(" ")}</p> : null}
          <Field
            label="Your password"
            inputProps={{ ...getInputProps(fields.password, { type: "password" }), autoComplete: "current-password" }}
            errors={fields.password.errors}
          />
          <Field
            label={`Type the business name (${businessName}) to confirm`}
            inputProps={{ ...getInputProps(fields.confirmName, { type: "text" }), autoComplete: "off" }}
            errors={fields.confirmName.errors}
          />
          <SubmitButton pending={navigation.state === "submitting"} className="button-danger">
            Cancel and delete my account
          </SubmitButton>
        </Form>
      </section>
      <p>
        <Link to="/settings">Back to settings</Link>
      </p>
    </div>
  );
}

type Billing = ReturnType<typeof useLoaderData<typeof loader>>["billing"];

function IntentButton({
  intent,
  children,
  className,
  extra,
}: {
  intent: string;
  children: React.ReactNode;
  className?: string;
  extra?: Record<string, string>;
}) {
  return (
    <Form method="post" className="inline-form">
      {Object.entries(extra ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" name="intent" value={intent} className={className}>
        {children}
      </button>
    </Form>
  );
}

function PlanSection({
  since,
  plans,
  billing,
  checkout,
}: {
  since: string;
  plans: { id: string; label: string }[];
  billing: Billing;
  checkout: "success" | "cancelled" | null;
}) {
  const planLabel = billing.plan === "yearly" ? "Yearly" : billing.plan === "monthly" ? "Monthly" : "Invoice Link";
  let summary: React.ReactNode;
  switch (billing.access) {
    case "free":
      summary = (
        <>
          <strong>Free</strong>, since {since}. This deployment of Invoice Link is self-hosted and has no paid plans: no card on file, no charges and no
          renewal. Online payments from your customers go through this deployment&apos;s Stripe and PayPal accounts; Invoice Link adds no fee of its own.
        </>
      );
      break;
    case "trial":
      summary = (
        <>
          <strong>Free trial</strong>
          {`: ${billing.trialDaysLeft} day${billing.trialDaysLeft === 1 ? "" : "s"} left (until ${billing.trialEndsAt}). No card needed. Choose a plan to keep creating and sending after the trial; the days left of your trial carry over.`}
        </>
      );
      break;
    case "active":
      summary = (
        <>
          <strong>{`${planLabel} plan`}</strong>
          {`, ${billing.status === "trialing" ? `free until ${billing.stripeTrialEnd}, then ` : ""}${
            billing.cancelAtPeriodEnd || billing.cancelAt
              ? `ends on ${billing.cancelAt ?? billing.currentPeriodEnd} (cancelled; you can resume it until then).`
              : `renews on ${billing.currentPeriodEnd}.`
          }`}
        </>
      );
      break;
    case "past_due":
      summary = (
        <>
          <strong>{`${planLabel} plan, payment failed.`}</strong> Stripe is retrying your card; everything keeps working meanwhile. Update your card with Manage
          billing.
        </>
      );
      break;
    case "read_only":
      summary = (
        <>
          <strong>Read-only.</strong>{" "}
          {billing.readOnlyReason === "unpaid"
            ? "Your subscription is unpaid. Update your card with Manage billing to continue."
            : billing.readOnlyReason === "canceled"
              ? "Your subscription has ended. Subscribe again to continue."
              : `Your free trial ended on ${billing.trialEndsAt}. Choose a plan to continue.`}{" "}
          Until then nothing new can be created or sent. Your data stays, exports and account deletion keep working, and your customers can still pay the links
          you sent.
        </>
      );
      break;
  }
  const canSubscribe = billing.access !== "free" && !billing.hasLiveSubscription && plans.length > 0;
  return (
    <section className="card stack" aria-labelledby="plan-heading">
      <h2 id="plan-heading">Your plan</h2>
      {checkout === "success" && billing.access !== "active" && billing.access !== "past_due" ? (
        <p role="status">Thank you! Stripe is confirming your subscription; it shows here in a moment (reload the page).</p>
      ) : null}
      {checkout === "cancelled" ? <p role="status">Checkout was cancelled; nothing was charged.</p> : null}
      {billing.access === "past_due" || billing.access === "read_only" ? (
        <p className="flash flash-error" data-testid="billing-alert">
          {billing.access === "past_due" ? "Your last Invoice Link payment failed. Stripe will retry it." : "Your account is read-only."}
        </p>
      ) : null}
      <p data-testid="plan" data-access={billing.access}>
        {summary}
      </p>
      {canSubscribe ? (
        <div className="actions">
          {plans.map((p) => (
            <IntentButton key={p.id} intent="subscribe" extra={{ plan: p.id }} className="button">
              {`Subscribe ${p.label.toLowerCase()}`}
            </IntentButton>
          ))}
        </div>
      ) : null}
      {billing.access !== "free" && (billing.hasCustomer || billing.hasLiveSubscription) ? (
        <div className="actions">
          {billing.hasCustomer ? <IntentButton intent="portal">Manage billing</IntentButton> : null}
          {billing.hasLiveSubscription && !billing.cancelAtPeriodEnd && billing.access !== "read_only" ? (
            <IntentButton intent="cancel" className="button-danger">
              Cancel at period end
            </IntentButton>
          ) : null}
          {billing.hasLiveSubscription && billing.cancelAtPeriodEnd ? <IntentButton intent="resume">Resume subscription</IntentButton> : null}
        </div>
      ) : null}
      {billing.access !== "free" && billing.hasCustomer ? (
        <p className="hint">Manage billing opens Stripe: change your card, see past invoices and receipts.</p>
      ) : null}
    </section>
  );
}

export { ErrorBoundary, headers } from "~/components/error-boundary";
