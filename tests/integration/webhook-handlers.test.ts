// The webhook handlers called directly, as server.ts calls them (its /webhooks/* block is the only way
// in; there are no route modules for these paths): the transport-neutral request and reply, a refused
// method, a missing signature, an oversized body, and a Stripe payment applied once however often it
// arrives. The HTTP behaviour of each provider lives in stripe-webhooks, paypal and email-delivery.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { prisma, transactionPaths } from "~/utils/db.server";
import { WEBHOOK_BODY_LIMIT, type WebhookRequest } from "~/utils/webhook.server";
import { webhookHandlers } from "~/web/webhooks.server";
import { signStripePayload, stripeEvent } from "../fakes/stripe";
import { createAccount } from "../helpers/accounts";
import { documentInput, makeCustomer } from "../helpers/business-data";

// The app reads its environment once, at the first import that needs it: Stripe's keys must be there first.
const keys = vi.hoisted(() => {
  const keys = { secretKey: `sk_test_${Math.random().toString(36).slice(2)}`, webhookSecret: `whsec_${Math.random().toString(36).slice(2)}` };
  process.env.STRIPE_SECRET_KEY = keys.secretKey;
  process.env.STRIPE_WEBHOOK_SECRET = keys.webhookSecret;
  return keys;
});

function request(method: string, body: string | null, headers: Record<string, string> = {}): WebhookRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, url: "http://127.0.0.1/webhooks/stripe", header: (name) => lower[name] ?? null, rawBody: async () => body };
}

const stripeHandler = webhookHandlers["/webhooks/stripe"];

describe("webhook handlers, called directly", () => {
  beforeAll(() => {
    expect(Object.keys(webhookHandlers).sort()).toEqual(["/webhooks/paypal", "/webhooks/postmark", "/webhooks/stripe", "/webhooks/stripe/connect"]);
  });

  it("answer 405 to anything but POST", async () => {
    for (const handler of Object.values(webhookHandlers)) {
      const reply = await handler(request("GET", null));
      expect(reply.status).toBe(405);
      expect(reply.headers.Allow).toBe("POST");
    }
  });

  it("refuse a Stripe event without a signature, or a body over the limit (closing the connection), writing nothing", async () => {
    const before = await prisma.payment.count();
    expect((await stripeHandler(request("POST", "{}"))).status).toBe(400);
    // rawBody() is null when the body passed WEBHOOK_BODY_LIMIT (server.ts stops reading it).
    const tooLarge = await stripeHandler(
      request("POST", null, { "Stripe-Signature": signStripePayload("x".repeat(WEBHOOK_BODY_LIMIT + 1), keys.webhookSecret) }),
    );
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.headers.Connection).toBe("close");
    expect(await prisma.payment.count()).toBe(before);
  });

  it("apply a signed checkout.session.completed once, however often it arrives", async () => {
    const { business } = await createAccount({ businessName: `Hollis Electric ${randomBytes(3).toString("hex")}` });
    const customer = await makeCustomer(business.id);
    const invoice = await createInvoice(
      business.id,
      await documentInput({ customerId: customer.id, lines: [{ description: "Rewire panel", quantity: "1", unitPrice: "100.00" }] }),
    );
    await markInvoiceSent(business.id, invoice.id);
    const session = {
      id: `cs_test_${randomBytes(8).toString("hex")}`,
      object: "checkout.session",
      mode: "payment",
      payment_status: "paid",
      status: "complete",
      amount_total: 10000,
      currency: "usd",
      metadata: { invoiceId: invoice.id, businessId: business.id },
      payment_intent: `pi_test_${randomBytes(8).toString("hex")}`,
    };
    const body = JSON.stringify(stripeEvent("checkout.session.completed", session), null, 2);
    const paths = { ...transactionPaths };
    const replies = await Promise.all(
      Array.from({ length: 3 }, () => stripeHandler(request("POST", body, { "Stripe-Signature": signStripePayload(body, keys.webhookSecret) }))),
    );
    expect(replies.map((r) => [r.status, r.body])).toEqual(Array.from({ length: 3 }, () => [200, "processed"]));
    const payments = await prisma.payment.findMany({ where: { invoiceId: invoice.id } });
    expect(payments.map((p) => [p.amountCents, p.providerPaymentId, p.status])).toEqual([[10000, session.payment_intent, "SUCCEEDED"]]);
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
    // The payment and its repeats ran on node-postgres alone (decision 027), none again through Prisma;
    // the payment's wake-up, written behind its COMMIT, queued the follow-ups' job.
    expect({ own: transactionPaths.own - paths.own, prisma: transactionPaths.prisma - paths.prisma }).toEqual({ own: 3, prisma: 0 });
    const [{ waiting }] = await prisma.$queryRaw<
      { waiting: number }[]
    >`SELECT count(*)::int AS waiting FROM graphile_worker.jobs WHERE key = 'payment-follow-ups'`;
    expect(waiting).toBe(1);
  });
});
