// The customer's side of paying an invoice: what the signed pay link shows, and starting a Stripe
// Checkout Session or a PayPal order. Amount, currency and account always come from the server:
// the pay form only says which provider and whether to pay the deposit or the whole balance. In Stripe
// connect mode the Checkout Session is a direct charge on the business's connected account, read from
// the database (never from the browser), with the platform fee (docs/decisions/011-connected-accounts.md).
import { Prisma } from "~/generated/prisma/client.ts";
import { prisma, rawQuery, sqlColumns } from "~/utils/db.server";
import { centsToInput, parseMoney } from "~/utils/money";
import { capturePayPalOrder, createPayPalOrder, getPayPalOrder, type PayPalCapture } from "~/models/payments/paypal-client.server";
import { applicationFeeBps, onAccount, stripe, stripeMode } from "~/models/payments/stripe-client.server";
import { DomainError } from "~/models/errors.server";
import { formatInvoiceNumber } from "~/models/document-numbers";
import { amountDueNowCents, balanceCents, markInvoiceViewed, VIEW_REFRESH_MS } from "~/models/invoice.server";
import { brandSelect } from "~/models/branding.server";
import { photoListSelect } from "~/models/job-photo.server";
import { dayNumber, signedUrl, verifyLink, type LinkCheck } from "~/models/signed-link.server";
import { applyPayment } from "./payment.server";
import { paypalAccountFor, paypalAvailableFor, paypalPayeeFor, type PayPalPayee } from "./paypal-connect.server";
import { applicationFeeCents } from "./stripe-connect";
import { chargeableStripeAccount } from "./stripe-connect.server";

type PayChoice = "deposit" | "balance";

type PayingBusiness = PayPalPayee & { stripeAccountId: string | null; stripeChargesEnabled: boolean };

/**
 * Which online payment methods this business's pay page offers; none means it shows contact details.
 * Stripe: in single-account mode whenever the deployment has keys; in Connect mode only while the
 * business's own connected account can take charges. PayPal: see paypalAvailableFor (partner mode needs
 * the business's own merchant account, able to receive payments).
 */
export function onlinePaymentOptions(business: PayingBusiness) {
  const mode = stripeMode();
  return { stripe: mode === "single" || (mode === "connect" && chargeableStripeAccount(business) !== null), paypal: paypalAvailableFor(business) };
}

const publicInvoiceInclude = {
  lines: { orderBy: { position: "asc" } },
  customer: { select: { name: true, email: true } },
  business: {
    select: {
      id: true,
      name: true,
      email: true,
      phone: true,
      website: true,
      invoicePrefix: true,
      timeZone: true,
      closedAt: true,
      stripeAccountId: true,
      stripeChargesEnabled: true,
      paypalMerchantId: true,
      paypalPaymentsReceivable: true,
      paypalEmailConfirmed: true,
    },
  },
  // A bank debit still processing blocks a second payment attempt.
  payments: { where: { status: "PENDING" }, select: { amountCents: true } },
} satisfies Prisma.InvoiceInclude;
type PublicInvoice = Prisma.InvoiceGetPayload<{ include: typeof publicInvoiceInclude }>;

/**
 * The invoice behind a pay link. Unknown, draft and void invoices, and every invoice of a closed account
 * (its links are severed), answer exactly like a bad signature.
 */
export async function loadPayLink(
  id: string,
  t: string | null,
  d: string | null,
): Promise<{ ok: false; reason: "invalid" | "expired" } | { ok: true; invoice: PublicInvoice }> {
  const check: LinkCheck = verifyLink("pay", id, t, d);
  if (!check.ok) return check;
  const invoice = await prisma.invoice.findUnique({ where: { id }, include: publicInvoiceInclude });
  if (!invoice || invoice.status === "VOID" || invoice.status === "DRAFT" || invoice.business.closedAt) return { ok: false, reason: "invalid" };
  return { ok: true, invoice };
}

// What the pay page is rendered from, as one digest: the invoice's whole row and its lines' rows; the
// customer's, business's (with the brand's) and pending payments' columns that loadPayLink and loadBrand
// select, and the photo list's (the same select objects, so a column added to them is covered here too). Each
// row's xmin too: every write gives a row a new one, so a value changed and changed back (A, B, A) while the
// loader read is still a different fingerprint. Each part is a row's or an ordered list's text inside one row
// value, so its position is part of it.
const PAY_PAGE_FINGERPRINT = `/* prepared:pay-page-fingerprint */
  SELECT md5(row(
           i.xmin, i::text,
           (SELECT string_agg(row(l.xmin, l::text)::text, ',' ORDER BY l.position, l.id) FROM "InvoiceLine" l WHERE l."invoiceId" = i.id),
           (SELECT row(c.xmin, ${sqlColumns("c", publicInvoiceInclude.customer.select)})::text FROM "Customer" c WHERE c.id = i."customerId"),
           (SELECT row(b.xmin, ${sqlColumns("b", { ...publicInvoiceInclude.business.select, ...brandSelect })})::text FROM "Business" b WHERE b.id = i."businessId"),
           (SELECT string_agg(row(p.xmin, p.id, ${sqlColumns("p", publicInvoiceInclude.payments.select)})::text, ',' ORDER BY p.id)
              FROM "Payment" p WHERE p."invoiceId" = i.id AND p.status = 'PENDING'),
           (SELECT string_agg(row(j.xmin, ${sqlColumns("j", photoListSelect)})::text, ',' ORDER BY j."createdAt", j.id)
              FROM "JobPhoto" j WHERE j."invoiceId" = i.id AND j."businessId" = i."businessId")
         )::text) AS fingerprint,
         coalesce(i.status <> 'SENT' AND i."lastViewedAt" >= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${VIEW_REFRESH_MS / 1000}), false) AS "viewFresh"
    FROM "Invoice" i
   WHERE i.id = `;

/**
 * The pay page's fingerprint (above), and whether opening the link now would write nothing (the last view
 * was recorded less than a minute ago: recordPayLinkOpened's rule). Null for an unknown invoice. One indexed
 * statement, prepared once per connection; the page cache (app/web/page-cache.server.ts) serves a page it
 * rendered again only while this is unchanged.
 */
export async function payPageFingerprint(id: string): Promise<{ fingerprint: string; viewFresh: boolean } | null> {
  const rows = await rawQuery<{ fingerprint: string; viewFresh: boolean }>(Prisma.sql`${Prisma.raw(PAY_PAGE_FINGERPRINT)}${id}`);
  return rows[0] ?? null;
}

/** The customer opened the link: the first view is recorded, later ones touch lastViewedAt at most once a minute. */
export async function recordPayLinkOpened(invoice: PublicInvoice) {
  await markInvoiceViewed(invoice.businessId, invoice.id, invoice);
}

/** The amounts the pay page offers: the deposit while it is not covered, and the whole balance. */
export function payableAmounts(invoice: { totalCents: number; amountPaidCents: number; depositCents: number }) {
  const balance = balanceCents(invoice);
  const dueNow = amountDueNowCents(invoice);
  return { balance, deposit: dueNow < balance ? dueNow : null };
}

function amountFor(invoice: PublicInvoice, choice: PayChoice) {
  const { balance, deposit } = payableAmounts(invoice);
  if (invoice.payments.length) throw new DomainError("A bank payment for this invoice is still processing. You will get a receipt when it clears.");
  const amount = choice === "deposit" && deposit ? deposit : balance;
  if (amount <= 0) throw new DomainError("This invoice is already paid. Thank you!");
  return amount;
}

/** Links back to the pay page, signed today so they outlive the customer's session at the provider. */
function payUrls(invoiceId: string, extra: string) {
  const now = new Date();
  const page = signedUrl("pay", invoiceId, now);
  return { day: dayNumber(now), page, done: `${page}&checkout=${extra}`, paypalReturn: signedUrl("pay", invoiceId, now, "/paypal") };
}

/**
 * A Stripe Checkout Session for the chosen amount. The idempotency key names the invoice, amount,
 * how many payments it has and today's date: a double tap returns the same session, while a later
 * attempt (after a failed bank debit, or another day) gets a new one.
 */
export async function startStripeCheckout(invoice: PublicInvoice, choice: PayChoice): Promise<string> {
  const amountCents = amountFor(invoice, choice);
  const attempts = await prisma.payment.count({ where: { invoiceId: invoice.id } });
  const urls = payUrls(invoice.id, "stripe");
  const number = formatInvoiceNumber(invoice.business.invoicePrefix, invoice.number);
  const metadata = { invoiceId: invoice.id, businessId: invoice.businessId };
  // Connect mode: a direct charge on the business's own account, and the platform fee if one is set.
  const connected = stripeMode() === "connect" ? chargeableStripeAccount(invoice.business) : null;
  if (stripeMode() === "connect" && !connected) throw new DomainError("Card payment is not available for this invoice. Please contact the business to pay.");
  const feeCents = connected ? applicationFeeCents(amountCents, applicationFeeBps()) : 0;
  const session = await stripe().checkout.sessions.create(
    {
      mode: "payment",
      // Apple Pay and Google Pay come with "card"; ACH (us_bank_account) exists for USD only.
      allowed_payment_method_types: invoice.currency === "USD" ? ["card", "link", "us_bank_account"] : ["card", "link"],
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: invoice.currency.toLowerCase(),
            unit_amount: amountCents,
            product_data: { name: `Invoice ${number} from ${invoice.business.name}`.slice(0, 250) },
          },
        },
      ],
      client_reference_id: invoice.id,
      ...(invoice.customer.email ? { customer_email: invoice.customer.email } : {}),
      metadata,
      payment_intent_data: { metadata, description: `Invoice ${number}`, ...(feeCents > 0 ? { application_fee_amount: feeCents } : {}) },
      success_url: urls.done,
      cancel_url: urls.page,
    },
    connected
      ? { ...onAccount(connected), idempotencyKey: `checkout:${connected}:${invoice.id}:${amountCents}:${feeCents}:${attempts}:${urls.day}` }
      : { idempotencyKey: `checkout:${invoice.id}:${amountCents}:${attempts}:${urls.day}` },
  );
  if (!session.url) throw new DomainError("Stripe did not return a checkout page");
  return session.url;
}

export async function startPayPalCheckout(invoice: PublicInvoice, choice: PayChoice): Promise<string> {
  const amountCents = amountFor(invoice, choice);
  const payeeMerchantId = paypalPayeeFor(invoice.business);
  const attempts = await prisma.payment.count({ where: { invoiceId: invoice.id } });
  const urls = payUrls(invoice.id, "paypal");
  const { approveUrl } = await createPayPalOrder({
    payeeMerchantId,
    requestId: `order-${invoice.id}-${amountCents}-${attempts}-${urls.day}`,
    invoiceId: invoice.id,
    invoiceNumber: formatInvoiceNumber(invoice.business.invoicePrefix, invoice.number),
    businessName: invoice.business.name,
    currency: invoice.currency,
    value: centsToInput(amountCents, invoice.currency),
    returnUrl: urls.paypalReturn,
    cancelUrl: urls.page,
  });
  return approveUrl;
}

/** PayPal capture amounts are decimal strings: turned into integer minor units without floats. */
export function paypalAmountCents(amount: { currency_code: string; value: string }): number {
  const cents = /^\d+(\.\d+)?$/.test(amount.value) ? parseMoney(amount.value, amount.currency_code.toUpperCase()) : null;
  if (cents === null) throw new DomainError(`Unexpected PayPal amount ${amount.value}`);
  return cents;
}

const paypalStatus = (capture: PayPalCapture) =>
  capture.status === "COMPLETED"
    ? "SUCCEEDED"
    : capture.status === "PENDING"
      ? "PENDING"
      : capture.status === "DECLINED" || capture.status === "FAILED"
        ? "FAILED"
        : null;

/**
 * Records a PayPal capture through the one payment path. The capture must belong to this invoice and, in
 * partner mode, have been paid to this business's connected merchant (`payee` from the order when the
 * capture does not name it).
 */
export async function recordPayPalCapture(capture: PayPalCapture, invoice: { id: string; businessId: string }, orderPayee?: string) {
  const status = paypalStatus(capture);
  if (!status || capture.custom_id !== invoice.id) return null;
  const providerAccountId = await paypalAccountFor(invoice.businessId, capture.payee?.merchant_id ?? orderPayee);
  if (providerAccountId === null) return null;
  return applyPayment({
    providerAccountId,
    businessId: invoice.businessId,
    invoiceId: invoice.id,
    amountCents: paypalAmountCents(capture.amount),
    currency: capture.amount.currency_code.toUpperCase(),
    method: "PAYPAL",
    provider: "paypal",
    providerPaymentId: capture.id,
    status,
    failureReason: status === "FAILED" ? (capture.status_details?.reason ?? "declined") : null,
  });
}

/**
 * The customer came back from approving on PayPal: check the order is this invoice's before touching
 * it, capture it (idempotent), and record the capture through the one payment path.
 */
export async function completePayPalReturn(invoice: PublicInvoice, orderId: string) {
  const order = await getPayPalOrder(orderId);
  if (order.purchase_units[0]?.custom_id !== invoice.id) throw new DomainError("That PayPal payment is not for this invoice.");
  const captured = order.status === "COMPLETED" ? order : await capturePayPalOrder(orderId);
  const capture = captured.purchase_units[0]?.payments?.captures[0];
  if (!capture) throw new DomainError("PayPal has not completed this payment.");
  await recordPayPalCapture(capture, invoice, captured.purchase_units[0]?.payee?.merchant_id ?? order.purchase_units[0]?.payee?.merchant_id);
  return paypalStatus(capture);
}
