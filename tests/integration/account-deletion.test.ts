// Account closure (Settings → Subscription → Cancel and delete) on real Postgres against the
// production server and the local Stripe fake: refusals (wrong password, wrong name, someone else's
// business id, signed out, not the owner) write nothing; a closure deletes every personal row of the
// business in one go and keeps the payment records stripped of anything personal; links die at once;
// sign-in fails and the email can sign up again; queued emails never go out; a late Stripe webhook is
// recorded for the books without a receipt; the other business is untouched throughout.
import { execFile } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NotFoundError } from "~/models/errors.server";
import { startFakeStripe, signStripePayload, stripeEvent, type FakeStripe } from "../fakes/stripe";
import { createAccount, createTeamMember, signedInBrowser, uniqueEmail } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { attributesAt, pageText, parseHtml, textOf, visibleHtml } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";
import {
  businessJobKeys,
  businessJobs as jobsOf,
  businessRows as snapshot,
  businessScopedModels,
  jobsWithKeys,
  seedBusiness,
  type SeededBusiness,
} from "../helpers/seeded-business";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const { prisma } = await import("~/utils/db.server");
const { closeAccount, CLOSED_BUSINESS_NAME, DELETED_CUSTOMER_NAME, REMOVED_TEXT } = await import("~/models/account-closure.server");
const { deliverEmail } = await import("~/utils/email.server");
const { startWorker } = await import("../../jobs/worker");

const execFileAsync = promisify(execFile);
const secretKey = `sk_test_${randomBytes(12).toString("hex")}`;
const webhookSecret = `whsec_${randomBytes(16).toString("hex")}`;

let fake: FakeStripe;
let server: AppServer;
let A: SeededBusiness;
let B: SeededBusiness;

beforeAll(async () => {
  fake = await startFakeStripe({ secretKey, webhookSecret });
  // No worker in the server: queued emails stay queued until the test starts one.
  server = await startAppServer({ WORKER_IN_PROCESS: "false", STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: fake.url });
  A = await seedBusiness(server, "Alpha");
  B = await seedBusiness(server, "Bravo");
  await prisma.dataExport.create({
    data: {
      businessId: A.business.id,
      requestedById: A.user.id,
      status: "READY",
      bytes: new Uint8Array([1, 2, 3]),
      sizeBytes: 3,
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  await prisma.dataExport.create({
    data: {
      businessId: B.business.id,
      requestedById: B.user.id,
      status: "READY",
      bytes: new Uint8Array([4, 5, 6]),
      sizeBytes: 3,
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
  await prisma.$disconnect();
});

const today = () => Math.floor(Date.now() / 86_400_000);
function signedLink(kind: "pay" | "estimate", id: string) {
  const day = today();
  const t = createHmac("sha256", server.payLinkSecret).update(`${kind}:${id}:${day}`).digest("base64url").slice(0, 24);
  return `/${kind}/${id}?t=${t}&d=${day}`;
}

const closeForm = (b: SeededBusiness, overrides: Record<string, string> = {}) => ({ password: b.password, confirmName: b.business.name, ...overrides });

describe("/privacy", () => {
  it("is public and says which processors this deployment really uses, and where to write", async () => {
    const res = await fetch(`${server.url}/privacy`);
    expect(res.status).toBe(200);
    const page = parseHtml(await res.text());
    const item = (name: string) => {
      const entry = page.querySelectorAll("li").find((li) => li.querySelector("strong")?.text.trim() === name);
      return entry ? /(In use|Not in use) on this site/.exec(textOf(entry))?.[0] : undefined;
    };
    // This server has Stripe keys, no PayPal, no Sentry DSN, and keeps email in the outbox.
    expect(item("Stripe")).toBe("In use on this site");
    expect(item("PayPal")).toBe("Not in use on this site");
    expect(item("Sentry")).toBe("Not in use on this site");
    expect(item("Postmark")).toBe("Not in use on this site");
    const links = attributesAt(page, "a", "href");
    expect(links).toContain("/settings/export");
    expect(links).toContain("/settings/subscription");
    expect(links.some((href) => /^mailto:[^@]+@.+/.test(href))).toBe(true);
  });
});

describe("refusals write nothing", () => {
  it("a wrong password is a 400 with a field error, and nothing changes", async () => {
    const before = [await snapshot(A.business.id), await snapshot(B.business.id)];
    const res = await A.browser.post("/settings/subscription", closeForm(A, { password: "not my password" }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(pageText(html)).toContain("That is not your password");
    // Never echoed, not even in a field's value.
    expect(visibleHtml(html)).not.toContain("not my password");
    expect([await snapshot(A.business.id), await snapshot(B.business.id)]).toEqual(before);
    // Still signed in.
    expect((await A.browser.get("/settings/subscription")).status).toBe(200);
  });

  it("a business name that does not match is a 400, and nothing changes", async () => {
    const before = await snapshot(A.business.id);
    const res = await A.browser.post("/settings/subscription", closeForm(A, { confirmName: "Some Other Plumbing" }));
    expect(res.status).toBe(400);
    expect(pageText(await res.text())).toContain("Type the business name exactly as shown");
    const empty = await A.browser.post("/settings/subscription", { password: A.password });
    expect(empty.status).toBe(400);
    expect(await snapshot(A.business.id)).toEqual(before);
  });

  it("someone else's business id changes nothing: the form has none, the body's is ignored, the domain answers 404", async () => {
    const before = [await snapshot(A.business.id), await snapshot(B.business.id)];
    // A's password, B's id and B's name: the session's business (A) is the only one considered, and
    // the name does not match it.
    const res = await A.browser.post("/settings/subscription", closeForm(A, { businessId: B.business.id, confirmName: B.business.name }));
    expect(res.status).toBe(400);
    // The domain function with B's id and A's user: 404, whatever the password.
    const attempt = closeAccount({ businessId: B.business.id, userId: A.user.id, password: A.password, confirmName: B.business.name });
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect([await snapshot(A.business.id), await snapshot(B.business.id)]).toEqual(before);
  });

  it("signed out: the login page; a member who is not the owner: 403; nothing changes", async () => {
    const before = await snapshot(A.business.id);
    const anonymous = await new Browser(server.url).post("/settings/subscription", closeForm(A));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);
    const member = await createTeamMember(B.business.id, { email: uniqueEmail("member"), name: "Bravo Member" });
    const memberBrowser = await signedInBrowser(server, member);
    expect((await memberBrowser.post("/settings/subscription", closeForm(B))).status).toBe(403);
    expect((await memberBrowser.get("/settings/export")).status).toBe(403);
    await prisma.user.delete({ where: { id: member.id } });
    expect(await snapshot(A.business.id)).toEqual(before);
  });
});

describe("closing the account", () => {
  let bBefore: Awaited<ReturnType<typeof snapshot>>;
  let aBefore: Awaited<ReturnType<typeof snapshot>>;
  let queuedMessageIds: string[];
  let jobKeysBefore: string[];
  const payLink = () => signedLink("pay", A.second.id);
  const estimateLink = () => signedLink("estimate", A.estimate.id);

  beforeAll(async () => {
    expect((await new Browser(server.url).get(payLink())).status).toBe(200);
    expect((await new Browser(server.url).get(estimateLink())).status).toBe(200);
    queuedMessageIds = (await prisma.emailMessage.findMany({ where: { businessId: A.business.id, status: "QUEUED" }, select: { id: true } })).map((m) => m.id);
    expect(queuedMessageIds.length).toBeGreaterThanOrEqual(3);
    // The keys of A's jobs, kept: once the closure deleted A's rows, only the keys can show the jobs went too.
    jobKeysBefore = await businessJobKeys(A.business.id);
    expect((await jobsWithKeys(jobKeysBefore)).length).toBeGreaterThanOrEqual(3);
    aBefore = await snapshot(A.business.id);
    bBefore = await snapshot(B.business.id);

    // The name is compared without regard to case or surrounding spaces.
    const res = await A.browser.post("/settings/subscription", closeForm(A, { confirmName: `  ${A.business.name.toUpperCase()} ` }));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.getSetCookie().some((c) => /^__session=;/.test(c))).toBe(true);
  });

  it("deletes customers, estimates, users, sessions, API devices, reset tokens, emails, jobs, activity, schedules, expenses, exports and the logo", async () => {
    const after = await snapshot(A.business.id);
    for (const model of [
      "Estimate",
      "EstimateLine",
      "InvoiceRevision",
      "User",
      "Session",
      "RefreshTokenFamily",
      "PasswordResetToken",
      "RefreshToken",
      "EmailMessage",
      "ActivityEvent",
      "RecurringSchedule",
      "Expense",
      "ExpenseReceipt",
      "PropertyDetails",
      "PropertyLookupUsage",
      "SavedItem",
      "DataExport",
      "jobs",
    ]) {
      expect(after[model], model).toEqual([]);
    }
    expect(await jobsWithKeys(jobKeysBefore)).toEqual([]);
    // Every business-owned table is accounted for: gone, or kept below.
    const kept = ["Customer", "Invoice", "InvoiceLine", "Payment", "Refund"];
    for (const model of businessScopedModels()) if (!kept.includes(model)) expect(after[model], model).toEqual([]);
    // Refunds stay with their payments for the books, without the reason the owner typed or who asked.
    expect(after.Refund.length).toBeGreaterThan(0);
    for (const refund of after.Refund) expect(refund).toMatchObject({ reason: REMOVED_TEXT, requestedById: null, failureMessage: null });

    const business = await prisma.business.findUniqueOrThrow({ where: { id: A.business.id } });
    expect(business).toMatchObject({
      name: CLOSED_BUSINESS_NAME,
      email: null,
      phone: null,
      website: null,
      addressLine1: null,
      city: null,
      postalCode: null,
      reviewUrl: null,
      logo: null,
      logoMimeType: null,
      remindersEnabled: false,
      reviewRequestsEnabled: false,
    });
    expect(business.closedAt).toBeInstanceOf(Date);
    // The one customer left names nobody.
    const customers = await prisma.customer.findMany({ where: { businessId: A.business.id } });
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ name: DELETED_CUSTOMER_NAME, email: null, phone: null, addressLine1: null, notes: null });
  });

  it("keeps invoice numbers and totals and payment records for the books, with anything personal stripped", async () => {
    const invoicesBefore = aBefore.Invoice as { id: string; number: number; totalCents: number; amountPaidCents: number; status: string; customerId: string }[];
    const invoices = await prisma.invoice.findMany({ where: { businessId: A.business.id }, orderBy: { id: "asc" } });
    const [placeholder] = await prisma.customer.findMany({ where: { businessId: A.business.id } });
    expect(invoices.map((i) => [i.id, i.number, i.totalCents, i.amountPaidCents, i.status])).toEqual(
      invoicesBefore.map((i) => [i.id, i.number, i.totalCents, i.amountPaidCents, i.status]),
    );
    for (const invoice of invoices)
      expect(invoice).toMatchObject({ customerId: placeholder.id, notes: null, terms: null, estimateId: null, recurringScheduleId: null });

    const lines = await prisma.invoiceLine.findMany({ where: { businessId: A.business.id }, orderBy: { id: "asc" } });
    const linesBefore = aBefore.InvoiceLine as { id: string; amountCents: number; quantityMilli: number; unitPriceCents: number }[];
    expect(lines.map((l) => [l.id, l.amountCents, l.quantityMilli, l.unitPriceCents])).toEqual(
      linesBefore.map((l) => [l.id, l.amountCents, l.quantityMilli, l.unitPriceCents]),
    );
    for (const line of lines) expect(line.description).toBe(REMOVED_TEXT);

    const payments = await prisma.payment.findMany({ where: { businessId: A.business.id }, orderBy: { id: "asc" } });
    const paymentsBefore = aBefore.Payment as {
      id: string;
      amountCents: number;
      currency: string;
      providerPaymentId: string;
      receivedAt: Date;
      status: string;
    }[];
    expect(payments.map((p) => [p.id, p.amountCents, p.currency, p.providerPaymentId, p.receivedAt.toISOString(), p.status])).toEqual(
      paymentsBefore.map((p) => [p.id, p.amountCents, p.currency, p.providerPaymentId, new Date(p.receivedAt).toISOString(), p.status]),
    );
    expect(payments.map((p) => p.providerPaymentId)).toContain(A.cardPaymentId);
    for (const p of payments)
      expect(p).toMatchObject({ cardBrand: null, cardLast4: null, reference: null, note: null, failureReason: null, recordedById: null });

    // No personal text of A is left anywhere in A's rows.
    const text = JSON.stringify(await snapshot(A.business.id), (_, v) => (typeof v === "bigint" ? String(v) : v));
    for (const marker of [
      A.email,
      A.customer.email!,
      A.customer.name,
      "Alpha faucet repair",
      "Alpha private note",
      "Alpha check 1001",
      "Alpha gate code",
      "4242",
      "Alpha 1 Main Street",
      A.business.name,
    ]) {
      expect(text, marker).not.toContain(marker);
    }
  });

  it("leaves the other business exactly as it was", async () => {
    expect(await snapshot(B.business.id)).toEqual(bBefore);
  });

  it("signs everyone out: the browser is logged out, the password no longer logs in, and the email can sign up again", async () => {
    const dashboard = await A.browser.get("/dashboard");
    expect(dashboard.status).toBe(302);
    expect(dashboard.headers.get("location")).toMatch(/^\/login/);

    await prisma.rateLimitHit.deleteMany();
    const login = await new Browser(server.url).post("/login", { email: A.email, password: A.password });
    expect(login.status).toBe(400);
    expect(pageText(await login.text())).toContain("Invalid email or password");

    const fresh = new Browser(server.url);
    const signup = await fresh.post("/signup", {
      businessName: "Alpha Again Plumbing",
      name: "Alpha Owner",
      email: A.email,
      password: "a brand new password",
      confirmPassword: "a brand new password",
    });
    expect(signup.status).toBe(302);
    expect(signup.headers.get("location")).toBe("/dashboard");
    const newUser = await prisma.user.findUniqueOrThrow({ where: { email: A.email } });
    expect(newUser.businessId).not.toBe(A.business.id);
    // The new account starts empty: nothing of the closed one shows.
    const html = await (await fresh.get("/customers")).text();
    expect(html).not.toContain(DELETED_CUSTOMER_NAME);
  });

  it("severs every pay and estimate link at once: the same 401 as a bad link", async () => {
    for (const link of [
      payLink(),
      signedLink("pay", A.invoice.id),
      estimateLink(),
      `${signedLink("pay", A.second.id).replace("?", "/paypal?")}&token=ORDER1`,
    ]) {
      const res = await new Browser(server.url).get(link);
      expect(res.status, link).toBe(401);
      const body = await res.text();
      expect(body).not.toContain("Alpha");
    }
    const pay = await new Browser(server.url).post(`/pay/${A.second.id}`, {
      ...Object.fromEntries(new URL(payLink(), server.url).searchParams),
      provider: "stripe",
      amount: "balance",
    });
    expect(pay.status).toBe(401);
    // B's links still work.
    expect((await new Browser(server.url).get(signedLink("pay", B.second.id))).status).toBe(200);
  });

  it("queued emails never go out: their jobs are gone, and a send already in flight finds nothing to send", async () => {
    expect(await prisma.emailMessage.count({ where: { id: { in: queuedMessageIds } } })).toBe(0);
    // A worker that had fetched a job before the closure committed.
    for (const id of queuedMessageIds) expect(await deliverEmail(id)).toBe("skipped");
    // A real worker now: B's queued emails go out (dev outbox); A has none.
    const bQueued = await prisma.emailMessage.count({ where: { businessId: B.business.id, status: "QUEUED" } });
    expect(bQueued).toBeGreaterThan(0);
    const worker = await startWorker({ concurrency: 2, crontab: false });
    try {
      await vi.waitFor(async () => expect(await prisma.emailMessage.count({ where: { businessId: B.business.id, status: "QUEUED" } })).toBe(0), {
        timeout: 60_000,
        interval: 250,
      });
    } finally {
      await worker.stop();
    }
    expect(await prisma.emailMessage.count({ where: { businessId: A.business.id } })).toBe(0);
    expect(await jobsOf(A.business.id)).toEqual([]);
    expect(await jobsWithKeys(jobKeysBefore)).toEqual([]);
  });

  it("a late Stripe webhook for a closed account's invoice is recorded for the books and acknowledged, without a receipt", async () => {
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: A.second.id } });
    const balance = invoice.totalCents - invoice.amountPaidCents;
    const pi = `pi_late_${randomBytes(6).toString("hex")}`;
    const payload = JSON.stringify(
      stripeEvent("checkout.session.completed", {
        id: `cs_test_${randomBytes(8).toString("hex")}`,
        object: "checkout.session",
        mode: "payment",
        status: "complete",
        payment_status: "paid",
        amount_total: balance,
        currency: "usd",
        client_reference_id: A.second.id,
        metadata: { invoiceId: A.second.id, businessId: A.business.id },
        payment_intent: pi,
        livemode: false,
      }),
    );
    const res = await fetch(`${server.url}/webhooks/stripe`, {
      method: "POST",
      body: payload,
      headers: { "Content-Type": "application/json", "Stripe-Signature": signStripePayload(payload, webhookSecret) },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("processed");
    const payment = await prisma.payment.findUniqueOrThrow({
      where: { provider_providerAccountId_providerPaymentId: { provider: "stripe", providerAccountId: "", providerPaymentId: pi } },
    });
    expect(payment).toMatchObject({ businessId: A.business.id, amountCents: balance, status: "SUCCEEDED" });
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: A.second.id } })).toMatchObject({ status: "PAID", amountPaidCents: invoice.totalCents });
    // Nobody is emailed about it, and nothing is queued for the closed account.
    expect(await prisma.emailMessage.count({ where: { businessId: A.business.id } })).toBe(0);
    expect(await jobsOf(A.business.id)).toEqual([]);

    // A refund of a payment made before the closure updates the kept record.
    const refund = JSON.stringify(
      stripeEvent("charge.refunded", {
        id: `ch_${randomBytes(6).toString("hex")}`,
        object: "charge",
        amount: 5_000,
        amount_refunded: 1_000,
        payment_intent: A.cardPaymentId,
      }),
    );
    const refunded = await fetch(`${server.url}/webhooks/stripe`, {
      method: "POST",
      body: refund,
      headers: { "Content-Type": "application/json", "Stripe-Signature": signStripePayload(refund, webhookSecret) },
    });
    expect(refunded.status).toBe(200);
    expect(
      await prisma.payment.findUniqueOrThrow({
        where: { provider_providerAccountId_providerPaymentId: { provider: "stripe", providerAccountId: "", providerPaymentId: A.cardPaymentId } },
      }),
    ).toMatchObject({ refundedCents: 1_000 });

    // Card details that come with a late payment are not stored for a closed account.
    const { applyPayment } = await import("~/models/payments/payment.server");
    const late = await applyPayment({
      businessId: A.business.id,
      invoiceId: A.invoice.id,
      amountCents: 100,
      currency: "USD",
      method: "CARD",
      provider: "stripe",
      providerPaymentId: `pi_card_${randomBytes(6).toString("hex")}`,
      cardBrand: "visa",
      cardLast4: "1111",
    });
    expect(late.status).toBe("applied");
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: late.paymentId } })).toMatchObject({ amountCents: 100, cardBrand: null, cardLast4: null });
    expect(await prisma.emailMessage.count({ where: { businessId: A.business.id } })).toBe(0);
  });

  it("a second closure of the same account is a 404 (the form is gone with the session; the domain refuses)", async () => {
    await expect(
      closeAccount({ businessId: A.business.id, userId: A.user.id, password: A.password, confirmName: CLOSED_BUSINESS_NAME }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("the operator's script re-runs a closure by id (after a restore) and skips closed or unknown ones", async () => {
    const { user, business } = await createAccount({ businessName: "Charlie Restored Plumbing" });
    const script = path.resolve(import.meta.dirname, "../../scripts/close-business.ts");
    const { stdout } = await execFileAsync(process.execPath, ["--import", "tsx", script, business.id, A.business.id, "no-such-business"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { ...process.env, LOG_LEVEL: "silent" },
    }).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`script failed: ${error.stderr || error.stdout}`);
    });
    expect(stdout).toContain(`${business.id}: closed`);
    expect(stdout).toContain(`${A.business.id}: not found or already closed; skipped`);
    expect(stdout).toContain("no-such-business: not found or already closed; skipped");
    expect(await prisma.user.count({ where: { id: user.id } })).toBe(0);
    expect((await prisma.business.findUniqueOrThrow({ where: { id: business.id } })).closedAt).toBeInstanceOf(Date);
  });
});
