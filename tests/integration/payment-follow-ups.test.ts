// The coalesced follow-ups of webhook payments (app/models/payments/follow-ups.server.ts, decision 024):
// a burst of payments queues one job, every payment's receipt is queued once, a marker whose wake-up was
// lost is done by the crontab's sweep, a failing follow-up is retried and never dropped, and workers
// running side by side never do one payment's follow-up twice. No worker runs here: the tests run the
// task's function themselves.
import { readFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { parseCrontab } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { FOLLOW_UP_MAX_ATTEMPTS, runPaymentFollowUps } from "~/models/payments/follow-ups.server";
import { PAYMENT_FOLLOW_UPS_JOB_KEY } from "~/models/payments/follow-up-wake.server";
import { prisma } from "~/utils/db.server";
import { removeJobs } from "~/utils/jobs.server";
import { createAccount } from "../helpers/accounts";
import { documentInput, makeCustomer } from "../helpers/business-data";

async function sentInvoices(count: number) {
  const { business } = await createAccount({ businessName: `Follow-up Plumbing ${randomBytes(3).toString("hex")}` });
  const customer = await makeCustomer(business.id);
  const invoices: { id: string; businessId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const invoice = await createInvoice(
      business.id,
      await documentInput({ customerId: customer.id, lines: [{ description: "Drain", quantity: "1", unitPrice: "80.00" }] }),
    );
    await markInvoiceSent(business.id, invoice.id);
    invoices.push({ id: invoice.id, businessId: business.id });
  }
  return invoices;
}

/** A Stripe webhook's payment as the checkout handler records it; card details given, unless `lookup`. */
function webhookPayment(invoice: { id: string; businessId: string }, options: { lookup?: boolean } = {}) {
  return applyPayment({
    businessId: invoice.businessId,
    invoiceId: invoice.id,
    amountCents: 8000,
    currency: "USD",
    method: "CARD",
    provider: "stripe",
    providerPaymentId: `pi_${randomBytes(10).toString("hex")}`,
    ...(options.lookup ? {} : { cardBrand: "visa", cardLast4: "4242" }),
    followUpInJob: true,
  });
}

const followUpJobs = () =>
  prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'payment-follow-ups'`.then((r) => r[0].n);
const pending = (ids: string[]) => prisma.payment.count({ where: { id: { in: ids }, followUpPendingAt: { not: null } } });
const receipts = (ids: string[]) => prisma.emailMessage.findMany({ where: { paymentId: { in: ids }, template: { in: ["receipt", "invoice-paid"] } } });

async function clearQueue() {
  await prisma.$executeRaw`SELECT graphile_worker.complete_jobs(ARRAY(SELECT id FROM graphile_worker.jobs WHERE task_identifier = 'payment-follow-ups'))`;
}

describe("payment follow-ups", () => {
  it("a burst of distinct payments queues one job, and one run queues every receipt once", async () => {
    await clearQueue();
    const invoices = await sentInvoices(30);
    const results = await Promise.all(invoices.map((invoice) => webhookPayment(invoice)));
    const ids = results.map((r) => r.paymentId);
    expect(results.every((r) => r.status === "applied")).toBe(true);
    expect(await pending(ids)).toBe(30);
    // A few concurrent wake-ups may each find no job waiting; never one per payment.
    expect(await followUpJobs()).toBeGreaterThanOrEqual(1);
    expect(await followUpJobs()).toBeLessThanOrEqual(3);

    const run = await runPaymentFollowUps();
    expect(run).toMatchObject({ done: 30, failed: 0 });
    expect(await pending(ids)).toBe(0);
    const emails = await receipts(ids);
    expect(
      emails
        .filter((e) => e.template === "receipt")
        .map((e) => e.paymentId)
        .sort(),
    ).toEqual([...ids].sort());
    // Each payment paid its invoice in full: the contractor's notice went with each.
    expect(await prisma.emailMessage.count({ where: { invoiceId: { in: invoices.map((i) => i.id) }, template: "invoice-paid" } })).toBe(30);
    // Nothing is done twice: a second run finds nothing.
    expect(await runPaymentFollowUps()).toEqual({ done: 0, skipped: 0, failed: 0 });
  });

  it("a marker whose wake-up was lost is done by the crontab's sweep, every minute", async () => {
    await clearQueue();
    const [invoice] = await sentInvoices(1);
    const { paymentId } = await webhookPayment(invoice);
    // The crash between the commit and the wake-up: no job, only the marker.
    await removeJobs(prisma, [PAYMENT_FOLLOW_UPS_JOB_KEY]);
    expect(await followUpJobs()).toBe(0);
    expect(await pending([paymentId])).toBe(1);

    const crontab = parseCrontab(readFileSync(path.resolve(import.meta.dirname, "../../jobs/crontab"), "utf8"));
    const sweep = crontab.find((item) => item.task === "payment-follow-ups");
    expect(sweep?.match).toBeDefined();
    // Every minute of an hour matches.
    const minutes = Array.from({ length: 60 }, (_, m) => new Date(Date.UTC(2026, 11, 4, 10, m)));
    expect(minutes.every((d) => sweep!.match({ min: d.getUTCMinutes(), hour: 10, date: 4, month: 12, dow: d.getUTCDay() }))).toBe(true);

    expect(await runPaymentFollowUps()).toMatchObject({ done: 1 });
    expect(await pending([paymentId])).toBe(0);
    expect((await receipts([paymentId])).filter((e) => e.template === "receipt")).toHaveLength(1);
  });

  it("a follow-up that fails is retried later, not lost; the last attempt sends the receipt without card details", async () => {
    await clearQueue();
    const [invoice] = await sentInvoices(1);
    // No card details in the event, and no Stripe to read them from here: each lookup fails.
    const { paymentId } = await webhookPayment(invoice, { lookup: true });
    for (let attempt = 1; attempt < FOLLOW_UP_MAX_ATTEMPTS; attempt++) {
      await clearQueue();
      expect(await runPaymentFollowUps()).toMatchObject({ done: 0, failed: 1 });
      const payment = await prisma.payment.findUniqueOrThrow({ where: { id: paymentId } });
      expect(payment.followUpAttempts).toBe(attempt);
      expect(payment.followUpPendingAt!.getTime()).toBeGreaterThan(Date.now());
      // A job is queued for the retry (the sweep would find it too).
      const [job] = await prisma.$queryRaw<{ runAt: Date }[]>`SELECT run_at AS "runAt" FROM graphile_worker.jobs WHERE key = ${PAYMENT_FOLLOW_UPS_JOB_KEY}`;
      expect(job.runAt.getTime()).toBeGreaterThan(Date.now() - 1000);
      expect(await receipts([paymentId])).toHaveLength(0);
      // Its backoff has passed.
      await prisma.payment.update({ where: { id: paymentId }, data: { followUpPendingAt: new Date(Date.now() - 1000) } });
    }
    expect(await runPaymentFollowUps()).toMatchObject({ done: 1, failed: 0 });
    const payment = await prisma.payment.findUniqueOrThrow({ where: { id: paymentId } });
    expect(payment).toMatchObject({ followUpPendingAt: null, followUpAttempts: 0, cardLast4: null });
    expect((await receipts([paymentId])).filter((e) => e.template === "receipt")).toHaveLength(1);
  });

  it("workers running side by side never do one payment's follow-up twice", async () => {
    await clearQueue();
    const invoices = await sentInvoices(24);
    const ids = (await Promise.all(invoices.map((invoice) => webhookPayment(invoice)))).map((r) => r.paymentId);
    const runs = await Promise.all(Array.from({ length: 4 }, () => runPaymentFollowUps({ batch: 3 })));
    expect(runs.reduce((sum, r) => sum + r.done, 0)).toBe(24);
    expect(runs.reduce((sum, r) => sum + r.skipped + r.failed, 0)).toBe(0);
    expect(await pending(ids)).toBe(0);
    expect((await receipts(ids)).filter((e) => e.template === "receipt")).toHaveLength(24);
  });

  it("a follow-up whose lease another worker took over writes nothing", async () => {
    await clearQueue();
    const [invoice] = await sentInvoices(1);
    const { paymentId } = await webhookPayment(invoice);
    // A worker claimed it and died; its lease ended and another took it: the marker is not the first's lease.
    await prisma.payment.update({ where: { id: paymentId }, data: { followUpPendingAt: new Date(Date.now() - 1000) } });
    expect(await runPaymentFollowUps()).toMatchObject({ done: 1 });
    const { completeStripePayment } = await import("~/models/payments/stripe-events.server");
    const stale = await completeStripePayment(
      { paymentId, businessId: invoice.businessId, invoicePaidAt: null },
      { last: false, lease: new Date(Date.now() - 60_000) },
    );
    expect(stale).toBe(false);
    expect((await receipts([paymentId])).filter((e) => e.template === "receipt")).toHaveLength(1);
  });
});
