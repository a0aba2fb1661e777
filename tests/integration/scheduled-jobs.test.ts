// The scheduled jobs' domain functions on real Postgres, called in the test process (no server, no
// worker): overdue reminders, recurring invoices and review requests. An email is an EmailMessage row
// plus a graphile-worker "send-email" job, both written in the job's transaction. Every run takes a
// `now`, so the tests move time forward by passing a later one. No mocks.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Prisma } from "~/generated/prisma/client.ts";
import { addDays, todayIn } from "~/utils/dates";
import { NotFoundError } from "~/models/errors.server";
import { createInvoice, markInvoiceSent, markInvoiceViewed, voidInvoice } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { createSchedule, runRecurringSchedules, RecurringFormSchema, stopSchedule } from "~/models/recurring.server";
import { dueStage, planOverdueReminders, scheduleOverdueReminders, sendOverdueReminders } from "~/models/reminders.server";
import { sendReviewRequests } from "~/models/review-requests.server";
import { prisma } from "~/utils/db.server";
import { emailJobKey } from "~/utils/email.server";
import { jobsByKey } from "~/utils/jobs.server";
import { createAccount } from "../helpers/accounts";
import { documentInput, type LineValues, makeCustomer } from "../helpers/business-data";
import { SLOW_TEST_TIMEOUT } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const DAY = 86_400_000;
const later = (now: Date, days: number) => new Date(now.getTime() + days * DAY);

// The runs are global (every business), and the tests share one database. Before each test the
// businesses and schedules of earlier tests are switched off, so each run's counts are this test's.
beforeEach(async () => {
  await prisma.business.updateMany({ data: { remindersEnabled: false, reviewRequestsEnabled: false } });
  await prisma.recurringSchedule.updateMany({ data: { active: false } });
});

async function makeBusiness(data: Prisma.BusinessUpdateInput = {}) {
  const { business } = await createAccount();
  return prisma.business.update({ where: { id: business.id }, data });
}

/** A sent invoice (one line, no tax) due on `dueDate`, sent by hand at `sentAt`. */
async function sentInvoice(businessId: string, customerId: string, dueDate: string, options: { sentAt: Date; unitPrice?: string }) {
  const input = await documentInput({
    customerId,
    issueDate: addDays(dueDate, -14),
    dueDate,
    lines: [{ description: "Job", quantity: "1", unitPrice: options.unitPrice ?? "100.00" }],
  });
  const invoice = await createInvoice(businessId, input);
  await markInvoiceSent(businessId, invoice.id);
  await prisma.invoice.update({ where: { id: invoice.id }, data: { sentAt: options.sentAt } });
  return invoice;
}

const invoiceRow = (id: string) => prisma.invoice.findUniqueOrThrow({ where: { id } });
const emailsOf = (businessId: string, template: string) =>
  prisma.emailMessage.findMany({ where: { businessId, template }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });

/** How many of these messages have a queued send-email job: their own, or their batch's (by the key on the row). */
async function sendJobCount(messageIds: string[]) {
  if (!messageIds.length) return 0;
  const messages = await prisma.emailMessage.findMany({ where: { id: { in: messageIds } }, select: { id: true, batchJobKey: true } });
  const queued = new Set((await jobsByKey(messages.map(emailJobKey), 100_000)).filter((j) => j.task === "send-email").map((j) => j.key));
  return messages.filter((m) => queued.has(emailJobKey(m))).length;
}

let paymentKey = 0;
function pay(businessId: string, invoiceId: string, amountCents: number) {
  paymentKey += 1;
  return applyPayment({
    businessId,
    invoiceId,
    amountCents,
    currency: "USD",
    method: "CASH",
    provider: "manual",
    providerPaymentId: `${businessId}:sched-${paymentKey}`,
  });
}

// ---------------------------------------------------------------------------------------------------
// Overdue reminders
// ---------------------------------------------------------------------------------------------------

/** Noon in New York (the default time zone) on 2031-03-10. */
const NOW = new Date("2031-03-10T16:00:00Z");
const TODAY = todayIn("America/New_York", NOW);

describe("dueStage", () => {
  const stage = (overdue: number, extra: { lastReminderStage?: number; sentOn?: string | null; reminderDays?: number[] } = {}) =>
    dueStage({
      dueDate: addDays("2031-03-10", -overdue),
      today: "2031-03-10",
      reminderDays: extra.reminderDays ?? [1, 7, 14],
      lastReminderStage: extra.lastReminderStage ?? 0,
      sentOn: extra.sentOn ?? null,
    });

  it("is null before and on the due date", () => {
    expect(stage(-3)).toBeNull();
    expect(stage(0)).toBeNull();
  });

  it("is the largest stage reached", () => {
    expect(stage(1)).toEqual({ stage: 1, overdue: 1 });
    expect(stage(6)).toEqual({ stage: 1, overdue: 6 });
    expect(stage(7)).toEqual({ stage: 7, overdue: 7 });
    expect(stage(13)).toEqual({ stage: 7, overdue: 13 });
    expect(stage(14)).toEqual({ stage: 14, overdue: 14 });
    expect(stage(30)).toEqual({ stage: 14, overdue: 30 });
  });

  it("is null once that stage (or a later one) was sent", () => {
    expect(stage(1, { lastReminderStage: 1 })).toBeNull();
    expect(stage(6, { lastReminderStage: 1 })).toBeNull();
    expect(stage(7, { lastReminderStage: 1 })).toEqual({ stage: 7, overdue: 7 });
    expect(stage(30, { lastReminderStage: 14 })).toBeNull();
    expect(stage(30, { lastReminderStage: 7 })).toEqual({ stage: 14, overdue: 30 });
  });

  it("is null on the day the invoice was sent by hand, and due the day after", () => {
    expect(stage(5, { sentOn: "2031-03-10" })).toBeNull();
    expect(stage(5, { sentOn: "2031-03-09" })).toEqual({ stage: 1, overdue: 5 });
  });

  it("follows custom stages and ignores zero or negative ones", () => {
    expect(stage(2, { reminderDays: [3] })).toBeNull();
    expect(stage(3, { reminderDays: [3] })).toEqual({ stage: 3, overdue: 3 });
    expect(stage(40, { reminderDays: [3] })).toEqual({ stage: 3, overdue: 40 });
    expect(stage(5, { reminderDays: [0, -2] })).toBeNull();
    expect(stage(5, { reminderDays: [] })).toBeNull();
  });
});

describe("sendOverdueReminders", () => {
  it("sends stage 1, 7 and 14 once each as the invoice gets older, then nothing more", async () => {
    const business = await makeBusiness();
    const customer = await makeCustomer(business.id);
    const invoice = await sentInvoice(business.id, customer.id, addDays(TODAY, -1), { sentAt: later(NOW, -15) });

    expect(await sendOverdueReminders({ now: NOW })).toMatchObject({ queued: 1 });
    expect(await invoiceRow(invoice.id)).toMatchObject({ lastReminderStage: 1 });
    expect(await sendOverdueReminders({ now: NOW })).toMatchObject({ queued: 0 });
    expect(await sendOverdueReminders({ now: later(NOW, 5) })).toMatchObject({ queued: 0 }); // 6 days overdue

    expect(await sendOverdueReminders({ now: later(NOW, 6) })).toMatchObject({ queued: 1 }); // 7 days
    expect(await invoiceRow(invoice.id)).toMatchObject({ lastReminderStage: 7 });
    expect(await sendOverdueReminders({ now: later(NOW, 6) })).toMatchObject({ queued: 0 });

    expect(await sendOverdueReminders({ now: later(NOW, 29) })).toMatchObject({ queued: 1 }); // 30 days
    expect(await invoiceRow(invoice.id)).toMatchObject({ lastReminderStage: 14 });
    for (const days of [29, 30, 60, 365]) expect(await sendOverdueReminders({ now: later(NOW, days) })).toMatchObject({ queued: 0 });

    const emails = await emailsOf(business.id, "overdue-reminder");
    expect(emails.map((e) => e.dedupeKey)).toEqual([`reminder:${invoice.id}:1`, `reminder:${invoice.id}:7`, `reminder:${invoice.id}:14`]);
    expect(emails.map((e) => e.subject)).toEqual([
      expect.stringContaining("is 1 day overdue"),
      expect.stringContaining("is 7 days overdue"),
      expect.stringContaining("is 30 days overdue"),
    ]);
    expect(await sendJobCount(emails.map((e) => e.id))).toBe(3);
    const events = await prisma.activityEvent.findMany({ where: { businessId: business.id, type: "invoice.reminder" }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.message)).toEqual([
      `Reminder sent for invoice INV-${String(invoice.number).padStart(4, "0")} (1 day overdue)`,
      `Reminder sent for invoice INV-${String(invoice.number).padStart(4, "0")} (7 days overdue)`,
      `Reminder sent for invoice INV-${String(invoice.number).padStart(4, "0")} (30 days overdue)`,
    ]);
    expect(events.every((e) => e.invoiceId === invoice.id && e.customerId === customer.id)).toBe(true);
    expect((await invoiceRow(invoice.id)).lastReminderAt).not.toBeNull();
  });

  it("emails the customer the balance and a signed pay link, with a send-email job", async () => {
    const business = await makeBusiness({ name: "Reliable Roofing", invoicePrefix: "RR-" });
    const customer = await makeCustomer(business.id, { name: "Dana Customer" });
    const invoice = await sentInvoice(business.id, customer.id, addDays(TODAY, -1), { sentAt: later(NOW, -15), unitPrice: "250.00" });
    expect(await pay(business.id, invoice.id, 10_000)).toMatchObject({ status: "applied", invoiceStatus: "PARTIALLY_PAID" });

    expect(await sendOverdueReminders({ now: NOW })).toMatchObject({ queued: 1, batches: 1 });
    const [email] = await emailsOf(business.id, "overdue-reminder");
    expect(email).toMatchObject({
      to: customer.email,
      invoiceId: invoice.id,
      status: "QUEUED",
      dedupeKey: `reminder:${invoice.id}:1`,
      subject: `Reminder: invoice RR-${String(invoice.number).padStart(4, "0")} from Reliable Roofing is 1 day overdue`,
    });
    expect(email.textBody).toContain("Hi Dana Customer,");
    expect(email.textBody).toContain(`was due on ${addDays(TODAY, -1)}`);
    expect(email.textBody).toContain("$150.00 is still open");
    expect(email.textBody).toMatch(new RegExp(`https?://[^\\s]+/pay/${invoice.id}\\?t=[A-Za-z0-9_-]{24}&d=\\d+`));
    expect(email.htmlBody).toContain("<strong>$150.00</strong>");
    expect(await sendJobCount([email.id])).toBe(1);
  });

  it("reminds only open invoices (sent, viewed, partly paid) of customers with an email", async () => {
    const business = await makeBusiness();
    const customer = await makeCustomer(business.id);
    const noEmail = await makeCustomer(business.id, { email: null });
    const due = addDays(TODAY, -3);
    const sentAt = later(NOW, -20);

    const sent = await sentInvoice(business.id, customer.id, due, { sentAt });
    const viewed = await sentInvoice(business.id, customer.id, due, { sentAt });
    await markInvoiceViewed(business.id, viewed.id);
    const partly = await sentInvoice(business.id, customer.id, due, { sentAt });
    await pay(business.id, partly.id, 100);
    const paid = await sentInvoice(business.id, customer.id, due, { sentAt });
    await pay(business.id, paid.id, 10_000);
    const voided = await sentInvoice(business.id, customer.id, due, { sentAt });
    await voidInvoice(business.id, voided.id);
    const draft = await createInvoice(business.id, await documentInput({ customerId: customer.id, issueDate: addDays(due, -14), dueDate: due }));
    const unreachable = await sentInvoice(business.id, noEmail.id, due, { sentAt });

    expect((await invoiceRow(viewed.id)).status).toBe("VIEWED");
    expect((await invoiceRow(paid.id)).status).toBe("PAID");
    expect(await sendOverdueReminders({ now: NOW })).toMatchObject({ queued: 3 });
    const emails = await emailsOf(business.id, "overdue-reminder");
    expect(new Set(emails.map((e) => e.invoiceId))).toEqual(new Set([sent.id, viewed.id, partly.id]));
    for (const id of [paid.id, voided.id, draft.id, unreachable.id]) expect((await invoiceRow(id)).lastReminderStage).toBe(0);
    // Much later: still none for them.
    expect(await sendOverdueReminders({ now: later(NOW, 30) })).toMatchObject({ queued: 3 });
    expect(
      await prisma.emailMessage.count({ where: { template: "overdue-reminder", invoiceId: { in: [paid.id, voided.id, draft.id, unreachable.id] } } }),
    ).toBe(0);
  });

  it("sends nothing for a business that turned reminders off", async () => {
    const business = await makeBusiness({ remindersEnabled: false });
    const customer = await makeCustomer(business.id);
    const invoice = await sentInvoice(business.id, customer.id, addDays(TODAY, -10), { sentAt: later(NOW, -20) });
    for (const days of [0, 7, 30]) expect(await sendOverdueReminders({ now: later(NOW, days) })).toMatchObject({ queued: 0 });
    expect(await emailsOf(business.id, "overdue-reminder")).toEqual([]);
    expect((await invoiceRow(invoice.id)).lastReminderStage).toBe(0);
  });

  it("follows the business's own stages: [3] sends one email, on day 3", async () => {
    const business = await makeBusiness({ reminderDays: [3] });
    const customer = await makeCustomer(business.id);
    const invoice = await sentInvoice(business.id, customer.id, addDays(TODAY, -1), { sentAt: later(NOW, -15) });
    expect(await sendOverdueReminders({ now: NOW })).toMatchObject({ queued: 0 }); // day 1
    expect(await sendOverdueReminders({ now: later(NOW, 1) })).toMatchObject({ queued: 0 }); // day 2
    expect(await sendOverdueReminders({ now: later(NOW, 2) })).toMatchObject({ queued: 1 }); // day 3
    for (const days of [2, 3, 6, 13, 40]) expect(await sendOverdueReminders({ now: later(NOW, days) })).toMatchObject({ queued: 0 });
    const emails = await emailsOf(business.id, "overdue-reminder");
    expect(emails.map((e) => e.dedupeKey)).toEqual([`reminder:${invoice.id}:3`]);
    expect((await invoiceRow(invoice.id)).lastReminderStage).toBe(3);
  });

  it("after downtime sends only the latest stage reached: 20 days overdue → one email, stage 14", async () => {
    const business = await makeBusiness();
    const customer = await makeCustomer(business.id);
    const invoice = await sentInvoice(business.id, customer.id, addDays(TODAY, -20), { sentAt: later(NOW, -34) });
    expect(await sendOverdueReminders({ now: NOW })).toMatchObject({ queued: 1 });
    expect(await sendOverdueReminders({ now: later(NOW, 1) })).toMatchObject({ queued: 0 });
    const emails = await emailsOf(business.id, "overdue-reminder");
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ dedupeKey: `reminder:${invoice.id}:14`, subject: expect.stringContaining("20 days overdue") });
    expect((await invoiceRow(invoice.id)).lastReminderStage).toBe(14);
  });

  it("skips an overdue invoice on the day it was sent by hand (in the business's zone), and reminds it the next day", async () => {
    const business = await makeBusiness();
    const customer = await makeCustomer(business.id);
    const invoice = await sentInvoice(business.id, customer.id, addDays(TODAY, -5), { sentAt: NOW });
    expect(await sendOverdueReminders({ now: NOW })).toMatchObject({ queued: 0 });
    expect(await sendOverdueReminders({ now: later(NOW, 0.3) })).toMatchObject({ queued: 0 }); // 23:12 in New York, same day
    expect((await invoiceRow(invoice.id)).lastReminderStage).toBe(0);
    expect(await sendOverdueReminders({ now: later(NOW, 1) })).toMatchObject({ queued: 1 });
    expect((await emailsOf(business.id, "overdue-reminder")).map((e) => e.dedupeKey)).toEqual([`reminder:${invoice.id}:1`]);

    // Sent at 22:00 New York time the evening before: the same UTC date as now, but yesterday locally.
    const evening = await sentInvoice(business.id, customer.id, addDays(TODAY, -5), { sentAt: new Date("2031-03-10T02:00:00Z") });
    expect(todayIn("America/New_York", new Date("2031-03-10T02:00:00Z"))).toBe("2031-03-09");
    expect(await sendOverdueReminders({ now: NOW })).toMatchObject({ queued: 1 });
    expect((await invoiceRow(evening.id)).lastReminderStage).toBe(1);
  });

  it("decides each business's stage by its own today (Kiritimati UTC+14 vs Los Angeles)", async () => {
    // 11:00 UTC: already 01:00 on the 11th in Kiritimati, still 04:00 on the 10th in Los Angeles.
    const now = new Date("2031-03-10T11:00:00Z");
    expect(todayIn("Pacific/Kiritimati", now)).toBe("2031-03-11");
    expect(todayIn("America/Los_Angeles", now)).toBe("2031-03-10");
    const kiritimati = await makeBusiness({ timeZone: "Pacific/Kiritimati" });
    const losAngeles = await makeBusiness({ timeZone: "America/Los_Angeles" });
    const sentAt = later(now, -30);
    const invoices = async (businessId: string) => {
      const customer = await makeCustomer(businessId);
      return {
        dueThe10th: await sentInvoice(businessId, customer.id, "2031-03-10", { sentAt }),
        dueThe4th: await sentInvoice(businessId, customer.id, "2031-03-04", { sentAt }),
      };
    };
    const k = await invoices(kiritimati.id);
    const la = await invoices(losAngeles.id);

    expect(await sendOverdueReminders({ now })).toMatchObject({ queued: 3 });
    expect((await invoiceRow(k.dueThe10th.id)).lastReminderStage).toBe(1); // 1 day overdue in Kiritimati
    expect((await invoiceRow(k.dueThe4th.id)).lastReminderStage).toBe(7); // 7 days
    expect((await invoiceRow(la.dueThe10th.id)).lastReminderStage).toBe(0); // due today in Los Angeles
    expect((await invoiceRow(la.dueThe4th.id)).lastReminderStage).toBe(1); // 6 days

    // A day later Los Angeles catches up; Kiritimati has nothing new.
    expect(await sendOverdueReminders({ now: later(now, 1) })).toMatchObject({ queued: 2 });
    expect((await invoiceRow(la.dueThe10th.id)).lastReminderStage).toBe(1);
    expect((await invoiceRow(la.dueThe4th.id)).lastReminderStage).toBe(7);
    expect((await emailsOf(kiritimati.id, "overdue-reminder")).map((e) => e.dedupeKey).sort()).toEqual(
      [`reminder:${k.dueThe10th.id}:1`, `reminder:${k.dueThe4th.id}:7`].sort(),
    );
  });

  it("two concurrent runs over 300 overdue invoices queue exactly 300 reminders", async () => {
    const business = await makeBusiness();
    const customer = await makeCustomer(business.id);
    const due = addDays(TODAY, -2);
    const input = await documentInput({ customerId: customer.id, issueDate: addDays(due, -14), dueDate: due });
    const ids: string[] = [];
    for (let i = 0; i < 300; i += 10) {
      const created = await Promise.all(Array.from({ length: 10 }, () => createInvoice(business.id, input)));
      ids.push(...created.map((c) => c.id));
    }
    await prisma.invoice.updateMany({ where: { businessId: business.id }, data: { status: "SENT", sentAt: later(NOW, -16) } });

    const runs = await Promise.all([sendOverdueReminders({ now: NOW, batchSize: 64 }), sendOverdueReminders({ now: NOW, batchSize: 64 })]);
    expect(runs[0].queued + runs[1].queued).toBe(300);
    const emails = await emailsOf(business.id, "overdue-reminder");
    expect(emails).toHaveLength(300);
    expect(new Set(emails.map((e) => e.invoiceId))).toEqual(new Set(ids));
    expect(await sendJobCount(emails.map((e) => e.id))).toBe(300);
    expect(await prisma.activityEvent.count({ where: { businessId: business.id, type: "invoice.reminder" } })).toBe(300);
    expect(await prisma.invoice.count({ where: { businessId: business.id, lastReminderStage: 1 } })).toBe(300);

    // And a concurrent second round a week later: 300 stage-7 emails, no more.
    const week = await Promise.all([1, 2, 3].map(() => sendOverdueReminders({ now: later(NOW, 5), batchSize: 100 })));
    expect(week.reduce((sum, r) => sum + r.queued, 0)).toBe(300);
    expect(await prisma.emailMessage.count({ where: { businessId: business.id, template: "overdue-reminder" } })).toBe(600);
  });
});

// ---------------------------------------------------------------------------------------------------
// Recurring invoices
// ---------------------------------------------------------------------------------------------------

/** 2031-05-15, noon in New York. */
const R_NOW = new Date("2031-05-15T16:00:00Z");

const TEMPLATE_LINES: LineValues[] = [
  { description: "Monthly maintenance", quantity: "2", unitPrice: "75.50" },
  { description: "Filters", quantity: "3", unitPrice: "19.99" },
];

/** A template invoice issued 2031-01-01, due 30 days later, with tax, a discount, notes and terms. */
async function templateInvoice(businessId: string, customerId: string) {
  const input = await documentInput({
    customerId,
    issueDate: "2031-01-01",
    dueDate: "2031-01-31",
    taxRate: "8.25",
    discountType: "PERCENT",
    discountValue: "10",
    notes: "Thanks for your business",
    terms: "Net 30",
    lines: TEMPLATE_LINES,
  });
  return createInvoice(businessId, input);
}

async function recurringSetup(options: { email?: string | null; form?: Record<string, unknown> } = {}) {
  const business = await makeBusiness();
  const customer = await makeCustomer(business.id, { email: options.email });
  const template = await templateInvoice(business.id, customer.id);
  const form = RecurringFormSchema.parse({ frequency: "MONTHLY", interval: "1", startOn: "2031-02-15", ...options.form });
  const schedule = await createSchedule(business.id, template.id, form);
  return { business, customer, template, schedule };
}

const scheduleInvoices = (scheduleId: string) =>
  prisma.invoice.findMany({ where: { recurringScheduleId: scheduleId }, orderBy: { number: "asc" }, include: { lines: { orderBy: { position: "asc" } } } });
const dates = (values: (Date | null)[]) => values.map((d) => d?.toISOString().slice(0, 10) ?? null);

describe("the overdue-reminders run in chunks (queue-reminders jobs)", () => {
  it("plans only businesses with reminders on and something due, never splitting a business, and keys one job per chunk", async () => {
    const a = await makeBusiness();
    const b = await makeBusiness();
    const off = await makeBusiness({ remindersEnabled: false });
    const quiet = await makeBusiness(); // nothing overdue
    for (const [business, count] of [
      [a, 3],
      [b, 2],
      [off, 1],
      [quiet, 0],
    ] as const) {
      const customer = await makeCustomer(business.id);
      for (let i = 0; i < count; i++) await sentInvoice(business.id, customer.id, addDays(TODAY, -10), { sentAt: later(NOW, -20) });
    }
    await sentInvoice(quiet.id, (await makeCustomer(quiet.id)).id, addDays(TODAY, 5), { sentAt: later(NOW, -2) });

    const plan = await planOverdueReminders({ now: NOW, perChunk: 3 });
    expect(plan).toMatchObject({ businesses: 2, candidates: 5 });
    // 3 + 2 > 3: one business per chunk, in id order.
    expect(plan.chunks).toEqual([a.id, b.id].sort().map((id) => [id]));
    expect((await planOverdueReminders({ now: NOW })).chunks).toEqual([[a.id, b.id].sort()]);

    // Scheduling twice leaves one job per chunk (its key), not two.
    const keys = async () =>
      (await prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'queue-reminders' ORDER BY key`).map(
        (r) => r.key,
      );
    await scheduleOverdueReminders({ now: NOW });
    await scheduleOverdueReminders({ now: NOW });
    const [first, last] = [a.id, b.id].sort();
    expect(await keys()).toEqual([`queue-reminders:${first}:${last}`]);
    await prisma.$executeRaw`SELECT graphile_worker.remove_job(${`queue-reminders:${first}:${last}`})`;
  });

  it("chunks run twice and at the same time queue each reminder once", async () => {
    const businesses = [await makeBusiness(), await makeBusiness(), await makeBusiness()];
    const invoiceIds: string[] = [];
    for (const [i, business] of businesses.entries()) {
      const customer = await makeCustomer(business.id);
      for (let n = 0; n <= i; n++) invoiceIds.push((await sentInvoice(business.id, customer.id, addDays(TODAY, -8), { sentAt: later(NOW, -20) })).id);
    }
    const { chunks } = await planOverdueReminders({ now: NOW, perChunk: 2 });
    expect(chunks.flat().sort()).toEqual(businesses.map((b) => b.id).sort());
    const runs = await Promise.all([...chunks, ...chunks, ...chunks].map((businessIds) => sendOverdueReminders({ now: NOW, businessIds })));
    expect(runs.reduce((sum, r) => sum + r.queued, 0)).toBe(invoiceIds.length);
    const emails = await prisma.emailMessage.findMany({ where: { template: "overdue-reminder", invoiceId: { in: invoiceIds } } });
    expect(emails.map((e) => e.dedupeKey).sort()).toEqual(invoiceIds.map((id) => `reminder:${id}:7`).sort());
    expect(await sendJobCount(emails.map((e) => e.id))).toBe(invoiceIds.length);
    const events = await prisma.activityEvent.count({ where: { type: "invoice.reminder", invoiceId: { in: invoiceIds } } });
    expect(events).toBe(invoiceIds.length);
    // Once more, whole: nothing new.
    expect(await sendOverdueReminders({ now: NOW })).toMatchObject({ queued: 0 });
  });
});

describe("runRecurringSchedules", () => {
  it("catches up one invoice per missed period, each dated for its period, and copies the template", async () => {
    const { business, customer, template, schedule } = await recurringSetup();
    const run = await runRecurringSchedules({ now: R_NOW });
    expect(run).toEqual({ invoices: 4, sent: 0, finished: 0 });

    const invoices = await scheduleInvoices(schedule.id);
    expect(invoices).toHaveLength(4);
    expect(dates(invoices.map((i) => i.recurringPeriod))).toEqual(["2031-02-15", "2031-03-15", "2031-04-15", "2031-05-15"]);
    expect(dates(invoices.map((i) => i.issueDate))).toEqual(["2031-02-15", "2031-03-15", "2031-04-15", "2031-05-15"]);
    expect(dates(invoices.map((i) => i.dueDate))).toEqual(["2031-03-17", "2031-04-14", "2031-05-15", "2031-06-14"]);
    expect(invoices.map((i) => i.number)).toEqual([template.number + 1, template.number + 2, template.number + 3, template.number + 4]);

    const source = await prisma.invoice.findUniqueOrThrow({ where: { id: template.id }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(source.totalCents).toBeGreaterThan(0);
    const lineShape = (l: (typeof source.lines)[number]) => ({
      position: l.position,
      description: l.description,
      quantityMilli: l.quantityMilli,
      unitPriceCents: l.unitPriceCents,
      taxRate: l.taxRate,
      amountCents: l.amountCents,
      taxCents: l.taxCents,
    });
    for (const invoice of invoices) {
      expect(invoice).toMatchObject({
        businessId: business.id,
        customerId: customer.id,
        status: "DRAFT",
        sentAt: null,
        currency: source.currency,
        taxMode: source.taxMode,
        taxRate: source.taxRate,
        discountType: source.discountType,
        discountValue: source.discountValue,
        subtotalCents: source.subtotalCents,
        discountCents: source.discountCents,
        taxCents: source.taxCents,
        totalCents: source.totalCents,
        notes: "Thanks for your business",
        terms: "Net 30",
      });
      expect(invoice.lines.map(lineShape)).toEqual(source.lines.map(lineShape));
    }

    const after = await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
    expect(after).toMatchObject({ active: true, lastRunAt: R_NOW });
    expect(dates([after.nextRunOn])).toEqual(["2031-06-15"]);
    expect(
      await prisma.activityEvent.count({ where: { businessId: business.id, type: "invoice.created", invoiceId: { in: invoices.map((i) => i.id) } } }),
    ).toBe(4);

    // Nothing new until the next period, in the business's zone.
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 0, sent: 0, finished: 0 });
    expect(await runRecurringSchedules({ now: new Date("2031-06-15T03:00:00Z") })).toEqual({ invoices: 0, sent: 0, finished: 0 }); // 23:00 on the 14th in New York
    expect(await runRecurringSchedules({ now: new Date("2031-06-15T05:00:00Z") })).toEqual({ invoices: 1, sent: 0, finished: 0 });
    expect(await scheduleInvoices(schedule.id)).toHaveLength(5);
  });

  it("keeps month-end anchors and weekly intervals", async () => {
    const monthEnd = await recurringSetup({ form: { startOn: "2031-01-31" } });
    const weekly = await recurringSetup({ form: { frequency: "WEEKLY", interval: "2", startOn: "2031-04-10" } });
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 7, sent: 0, finished: 0 });
    expect(dates((await scheduleInvoices(monthEnd.schedule.id)).map((i) => i.recurringPeriod))).toEqual([
      "2031-01-31",
      "2031-02-28",
      "2031-03-31",
      "2031-04-30",
    ]);
    expect(dates((await scheduleInvoices(weekly.schedule.id)).map((i) => i.issueDate))).toEqual(["2031-04-10", "2031-04-24", "2031-05-08"]);
  });

  it("decides what is due by each business's today", async () => {
    // 11:00 UTC on the 14th: already the 15th in Kiritimati, still the 14th in Los Angeles.
    const now = new Date("2031-05-14T11:00:00Z");
    const kiritimati = await recurringSetup({ form: { startOn: "2031-05-15" } });
    await prisma.business.update({ where: { id: kiritimati.business.id }, data: { timeZone: "Pacific/Kiritimati" } });
    const losAngeles = await recurringSetup({ form: { startOn: "2031-05-15" } });
    await prisma.business.update({ where: { id: losAngeles.business.id }, data: { timeZone: "America/Los_Angeles" } });
    expect(await runRecurringSchedules({ now })).toEqual({ invoices: 1, sent: 0, finished: 0 });
    expect(dates((await scheduleInvoices(kiritimati.schedule.id)).map((i) => i.issueDate))).toEqual(["2031-05-15"]);
    expect(await scheduleInvoices(losAngeles.schedule.id)).toHaveLength(0);
    // 07:00 UTC on the 15th is midnight in Los Angeles.
    expect(await runRecurringSchedules({ now: new Date("2031-05-15T06:59:00Z") })).toEqual({ invoices: 0, sent: 0, finished: 0 });
    expect(await runRecurringSchedules({ now: new Date("2031-05-15T07:00:00Z") })).toEqual({ invoices: 1, sent: 0, finished: 0 });
    expect(dates((await scheduleInvoices(losAngeles.schedule.id)).map((i) => i.issueDate))).toEqual(["2031-05-15"]);
  });

  it("makes no duplicates when runs overlap", async () => {
    const { schedule, template } = await recurringSetup();
    const runs = await Promise.all([1, 2, 3].map(() => runRecurringSchedules({ now: R_NOW })));
    expect(runs.reduce((sum, r) => sum + r.invoices, 0)).toBe(4);
    const invoices = await scheduleInvoices(schedule.id);
    expect(dates(invoices.map((i) => i.recurringPeriod))).toEqual(["2031-02-15", "2031-03-15", "2031-04-15", "2031-05-15"]);
    expect(invoices.map((i) => i.number)).toEqual([2, 3, 4, 5].map((n) => n + template.number - 1));
    expect(await Promise.all([1, 2].map(() => runRecurringSchedules({ now: R_NOW })))).toEqual([
      { invoices: 0, sent: 0, finished: 0 },
      { invoices: 0, sent: 0, finished: 0 },
    ]);
  });

  it("stops at the end date (a period on the end date still gets its invoice)", async () => {
    const { schedule } = await recurringSetup({ form: { ends: "on", endOn: "2031-04-15" } });
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 3, sent: 0, finished: 1 });
    expect(dates((await scheduleInvoices(schedule.id)).map((i) => i.recurringPeriod))).toEqual(["2031-02-15", "2031-03-15", "2031-04-15"]);
    expect(await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } })).toMatchObject({ active: false });
    expect(await runRecurringSchedules({ now: later(R_NOW, 400) })).toEqual({ invoices: 0, sent: 0, finished: 0 });
    expect(await scheduleInvoices(schedule.id)).toHaveLength(3);
  });

  it("with an end date still ahead, finishes when the next period (after the end date) comes due", async () => {
    const { schedule } = await recurringSetup({ form: { startOn: "2031-04-15", ends: "on", endOn: "2031-06-01" } });
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 2, sent: 0, finished: 0 });
    expect(await runRecurringSchedules({ now: later(R_NOW, 17) })).toEqual({ invoices: 0, sent: 0, finished: 0 }); // June 1: nothing due
    expect(await runRecurringSchedules({ now: later(R_NOW, 31) })).toEqual({ invoices: 0, sent: 0, finished: 1 }); // June 15 > June 1
    expect(await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } })).toMatchObject({ active: false });
    expect(await runRecurringSchedules({ now: later(R_NOW, 90) })).toEqual({ invoices: 0, sent: 0, finished: 0 });
    expect(await scheduleInvoices(schedule.id)).toHaveLength(2);
  });

  it("stops when the count runs out", async () => {
    const { schedule } = await recurringSetup({ form: { ends: "after", count: "2" } });
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 2, sent: 0, finished: 0 });
    expect(await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } })).toMatchObject({ active: false, remainingCount: 0 });
    expect(dates((await scheduleInvoices(schedule.id)).map((i) => i.recurringPeriod))).toEqual(["2031-02-15", "2031-03-15"]);
    expect(await runRecurringSchedules({ now: later(R_NOW, 400) })).toEqual({ invoices: 0, sent: 0, finished: 0 });

    const three = await recurringSetup({ form: { startOn: "2031-05-01", ends: "after", count: "3" } });
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 1, sent: 0, finished: 0 });
    expect(await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: three.schedule.id } })).toMatchObject({ active: true, remainingCount: 2 });
  });

  it("auto-sends each new invoice: SENT with one invoice-sent email each", async () => {
    const { business, customer, schedule } = await recurringSetup({ form: { startOn: "2031-04-15", autoSend: "on" } });
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 2, sent: 2, finished: 0 });
    const invoices = await scheduleInvoices(schedule.id);
    expect(invoices.map((i) => i.status)).toEqual(["SENT", "SENT"]);
    expect(invoices.every((i) => i.sentAt !== null)).toBe(true);
    const emails = await emailsOf(business.id, "invoice-sent");
    expect(emails).toHaveLength(2);
    expect(emails.map((e) => e.invoiceId).sort()).toEqual(invoices.map((i) => i.id).sort());
    expect(emails.every((e) => e.to === customer.email)).toBe(true);
    expect(await sendJobCount(emails.map((e) => e.id))).toBe(2);
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 0, sent: 0, finished: 0 });
    expect(await emailsOf(business.id, "invoice-sent")).toHaveLength(2);
  });

  it("auto-send with a customer without email creates the invoices as drafts", async () => {
    const { business, schedule } = await recurringSetup({ email: null, form: { startOn: "2031-04-15", autoSend: "on" } });
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 2, sent: 0, finished: 0 });
    expect((await scheduleInvoices(schedule.id)).map((i) => i.status)).toEqual(["DRAFT", "DRAFT"]);
    expect(await prisma.emailMessage.count({ where: { businessId: business.id } })).toBe(0);
  });

  it("a schedule that cannot run (its customer was archived) does not hold up the others", async () => {
    const broken = await recurringSetup({ form: { startOn: "2031-01-15" } });
    await prisma.customer.update({ where: { id: broken.customer.id }, data: { archivedAt: new Date() } });
    const healthy = await recurringSetup({ form: { startOn: "2031-04-15" } });
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 2, sent: 0, finished: 0 });
    expect(await scheduleInvoices(healthy.schedule.id)).toHaveLength(2);
    expect(await scheduleInvoices(broken.schedule.id)).toHaveLength(0);
    // It stays due (restoring the customer lets it catch up).
    expect(await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: broken.schedule.id } })).toMatchObject({ active: true });
    await prisma.customer.update({ where: { id: broken.customer.id }, data: { archivedAt: null } });
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 5, sent: 0, finished: 0 });
  });

  it("stopSchedule: another business's schedule is a 404; the owner's stop ends the runs", async () => {
    const { business, schedule } = await recurringSetup();
    const other = await makeBusiness();
    const error = await stopSchedule(other.id, schedule.id).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } })).active).toBe(true);
    // Repeating another business's invoice is a 404 too.
    const foreign = await createSchedule(
      other.id,
      schedule.templateInvoiceId,
      RecurringFormSchema.parse({ frequency: "MONTHLY", interval: "1", startOn: "2031-02-15" }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(foreign).toBeInstanceOf(NotFoundError);

    await stopSchedule(business.id, schedule.id);
    expect((await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } })).active).toBe(false);
    expect(await runRecurringSchedules({ now: R_NOW })).toEqual({ invoices: 0, sent: 0, finished: 0 });
    expect(await scheduleInvoices(schedule.id)).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------------
// Review requests
// ---------------------------------------------------------------------------------------------------

const REVIEW_URL = "https://g.page/r/reliable-roofing/review";

/** A sent invoice paid in full now (paidAt is the real clock). */
async function paidInvoice(businessId: string, customerId: string) {
  const today = todayIn("America/New_York");
  const invoice = await sentInvoice(businessId, customerId, addDays(today, 14), { sentAt: new Date() });
  expect(await pay(businessId, invoice.id, 10_000)).toMatchObject({ invoiceStatus: "PAID" });
  return invoice;
}

describe("sendReviewRequests", () => {
  it("asks a customer once per period: a second paid invoice within 180 days asks nothing, after the period it asks again", async () => {
    const business = await makeBusiness({ name: "Reliable Roofing", reviewRequestsEnabled: true, reviewUrl: REVIEW_URL });
    const customer = await makeCustomer(business.id, { name: "Robin Customer" });
    const first = await paidInvoice(business.id, customer.id);

    expect(await sendReviewRequests({ now: new Date() })).toEqual({ queued: 1 });
    const [email] = await emailsOf(business.id, "review-request");
    expect(email).toMatchObject({
      to: customer.email,
      invoiceId: first.id,
      status: "QUEUED",
      dedupeKey: `review:${customer.id}:${first.id}`,
      subject: "How did Reliable Roofing do?",
    });
    expect(email.textBody).toContain("Hi Robin Customer,");
    expect(email.textBody).toContain(REVIEW_URL);
    expect(await sendJobCount([email.id])).toBe(1);

    expect(await sendReviewRequests({ now: new Date() })).toEqual({ queued: 0 });
    await paidInvoice(business.id, customer.id);
    expect(await sendReviewRequests({ now: new Date() })).toEqual({ queued: 0 });
    expect(await sendReviewRequests({ now: later(new Date(), 10) })).toEqual({ queued: 0 });
    expect(await emailsOf(business.id, "review-request")).toHaveLength(1);

    // 181 days on, a newly paid invoice asks again (once).
    const future = later(new Date(), 181);
    const third = await paidInvoice(business.id, customer.id);
    await prisma.invoice.update({ where: { id: third.id }, data: { paidAt: later(future, -1) } });
    expect(await sendReviewRequests({ now: future })).toEqual({ queued: 1 });
    expect(await sendReviewRequests({ now: future })).toEqual({ queued: 0 });
    const emails = await emailsOf(business.id, "review-request");
    expect(emails.map((e) => e.invoiceId)).toEqual([first.id, third.id]);
  });

  it("asks nothing when turned off, without a review link, of customers without email, or for invoices paid 30 days ago", async () => {
    const disabled = await makeBusiness({ reviewRequestsEnabled: false, reviewUrl: REVIEW_URL });
    const noUrl = await makeBusiness({ reviewRequestsEnabled: true, reviewUrl: null });
    const enabled = await makeBusiness({ reviewRequestsEnabled: true, reviewUrl: REVIEW_URL });
    await paidInvoice(disabled.id, (await makeCustomer(disabled.id)).id);
    await paidInvoice(noUrl.id, (await makeCustomer(noUrl.id)).id);
    await paidInvoice(enabled.id, (await makeCustomer(enabled.id, { email: null })).id);
    const old = await paidInvoice(enabled.id, (await makeCustomer(enabled.id)).id);
    await prisma.invoice.update({ where: { id: old.id }, data: { paidAt: later(new Date(), -30) } });
    // Unpaid (sent) invoices do not count either.
    const open = await makeCustomer(enabled.id);
    await sentInvoice(enabled.id, open.id, addDays(todayIn("America/New_York"), 14), { sentAt: new Date() });

    expect(await sendReviewRequests({ now: new Date() })).toEqual({ queued: 0 });
    expect(await prisma.emailMessage.count({ where: { template: "review-request", businessId: { in: [disabled.id, noUrl.id, enabled.id] } } })).toBe(0);

    // The same invoice paid 10 days ago is still in the window.
    await prisma.invoice.update({ where: { id: old.id }, data: { paidAt: later(new Date(), -10) } });
    expect(await sendReviewRequests({ now: new Date() })).toEqual({ queued: 1 });
  });

  it("follows the business's own period", async () => {
    const business = await makeBusiness({ reviewRequestsEnabled: true, reviewUrl: REVIEW_URL, reviewRequestPeriodDays: 30 });
    const customer = await makeCustomer(business.id);
    await paidInvoice(business.id, customer.id);
    expect(await sendReviewRequests({ now: new Date() })).toEqual({ queued: 1 });
    // Another invoice paid on day 19: still inside the 30 days on day 20, outside them on day 31.
    const start = new Date();
    const second = await paidInvoice(business.id, customer.id);
    await prisma.invoice.update({ where: { id: second.id }, data: { paidAt: later(start, 19) } });
    expect(await sendReviewRequests({ now: later(start, 20) })).toEqual({ queued: 0 });
    expect(await sendReviewRequests({ now: later(start, 31) })).toEqual({ queued: 1 });
    expect((await emailsOf(business.id, "review-request")).map((e) => e.invoiceId)).toEqual([expect.any(String), second.id]);
  });
});
