// The jobs page, "Repeat this invoice", the recurring list, the invoice page's email timeline and pay
// link, and the reminder settings, over HTTP against the production server on real Postgres. The
// server runs without its in-process worker, so every job stays where the test put it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { todayIn } from "~/utils/dates";
import { createInvoice, markInvoiceSent, voidInvoice } from "~/models/invoice.server";
import { createSchedule } from "~/models/recurring.server";
import { prisma } from "~/utils/db.server";
import { emailJobKey, queueEmails, sendEmail } from "~/utils/email.server";
import { jobsByKey } from "~/utils/jobs.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { businessProfileForm as profileForm, documentInput, makeCustomer, shiftDays } from "../helpers/business-data";
import { attributesAt, elementAt, elementsAt, fieldValue, inputValues, pageText, textAt, visibleHtml, type HTMLElement } from "../helpers/html";
import { type AppServer, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer({ WORKER_IN_PROCESS: "false" });
});
afterAll(async () => {
  // A 500 is a bug: no request in this file may have produced one.
  const output = server?.output() ?? "";
  await server?.stop();
  expect(output).not.toMatch(/"statusCode":5\d\d/);
});

// Helpers ------------------------------------------------------------------------------------------

/** What a reader sees: no scripts, no tags, no React text separators, entities decoded, spaces collapsed. */
function textOf(html: string | HTMLElement) {
  return pageText(html).trim();
}

/** Every `<tag data-testid="id">` of the page. */
function byTestId(html: string, tag: string, id: string) {
  return elementsAt(html, `${tag}[data-testid="${id}"]`);
}

/** The text of each email of the timeline. */
function timelineEntries(html: string) {
  return elementsAt(html, '[data-testid="email-timeline"] [data-testid="timeline-email"]').map(textOf);
}

/** The text of `<p class="field-error" id="…">` on the repeat form. */
function repeatError(html: string, field: string) {
  return textAt(html, `p#repeat-${field}-error`);
}

/** Minute precision, the way the timeline prints a time. */
const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
const dateOf = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

async function signedInBusiness(businessName?: string) {
  const { user, business } = await createAccount({ businessName });
  const customer = await makeCustomer(business.id);
  const browser = await signedInBrowser(server, user);
  return { user, business, customer, browser };
}

async function draftInvoice(businessId: string, customerId: string) {
  return createInvoice(businessId, await documentInput({ customerId, lines: [{ description: "Drain repair", quantity: "1", unitPrice: "180.00" }] }));
}

async function sentInvoice(businessId: string, customerId: string) {
  const invoice = await draftInvoice(businessId, customerId);
  await markInvoiceSent(businessId, invoice.id);
  return invoice;
}

/** A queued email with its keyed send-email job (the way the app queues one). */
async function queuedEmail(businessId: string, to: string, subject = "Your invoice") {
  const id = await sendEmail({ businessId, to, subject, text: "Hello", html: "<p>Hello</p>", template: "invoice-sent" });
  return id!;
}

/** The send job of a message, its own or its batch's, found by the key its row keeps (graphile-worker's public jobs view). */
async function jobsFor(messageId: string) {
  return jobsByKey([emailJobKey(await message(messageId))]);
}

/** Queues messages the way the reminder job does: one batch job for them all; returns the job's id. */
async function batchOf(businessId: string, recipients: string[]) {
  const ids = await prisma.$transaction((tx) =>
    queueEmails(
      tx,
      recipients.map((to) => ({ businessId, to, subject: "Reminder", text: "Hello", html: "<p>Hello</p>", template: "overdue-reminder" as const })),
      { perJob: 25 },
    ),
  );
  const [job] = await jobsFor(ids[0]);
  return { ids, jobId: job.id };
}

/**
 * Leaves a job the way graphile-worker leaves one that used up its attempts (or one still retrying),
 * through its administrative functions: permanently_fail_jobs records the error, reschedule_jobs the attempts.
 */
async function setJobAttempts(jobId: string, attempts: number, lastError: string) {
  await prisma.$executeRaw`SELECT graphile_worker.permanently_fail_jobs(ARRAY[${jobId}::bigint], ${lastError})`;
  await prisma.$executeRaw`SELECT graphile_worker.reschedule_jobs(ARRAY[${jobId}::bigint], attempts := ${attempts}::int)`;
}

/** What deliverEmail leaves after the last failed attempt: the message FAILED, its keyed job permanently failed. */
async function failedEmail(businessId: string, to: string, error = "InternalServerError 500: boom") {
  const id = await queuedEmail(businessId, to, "An email that failed");
  const [job] = await jobsFor(id);
  await setJobAttempts(job.id, 4, error);
  await prisma.emailMessage.update({ where: { id }, data: { status: "FAILED", attempts: 4, error } });
  return { id, jobId: job.id };
}

const message = (id: string) => prisma.emailMessage.findUniqueOrThrow({ where: { id } });

// Jobs page ----------------------------------------------------------------------------------------

describe("jobs page", () => {
  it("shows each business its own queued and failed jobs, batch jobs included, and its own emails", async () => {
    const a = await signedInBusiness("Alpha Heating");
    const b = await signedInBusiness("Bravo Roofing");

    const aQueued = await queuedEmail(a.business.id, "alpha-queued@example.com");
    const aFailed = await failedEmail(a.business.id, "alpha-failed@example.com", "InternalServerError 500: boom");
    // A batch job of two of A's messages, retrying after one error; and one of B's.
    const aBatch = await batchOf(a.business.id, ["alpha-batch-1@example.com", "alpha-batch-2@example.com"]);
    await setJobAttempts(aBatch.jobId, 1, "ServiceUnavailable 503: batch of Alpha");

    const bQueued = await queuedEmail(b.business.id, "bravo-queued@example.com");
    const bFailed = await failedEmail(b.business.id, "bravo-failed@example.com", "InternalServerError 502: Bravo only");
    const bBatch = await batchOf(b.business.id, ["bravo-batch@example.com"]);
    await setJobAttempts(bBatch.jobId, 1, "ServiceUnavailable 503: batch of Bravo");

    // A's page: its queued single job, its batch job (with the last error), its failed job with the error.
    const aRes = await a.browser.get("/settings/jobs");
    expect(aRes.status).toBe(200);
    const aHtml = await aRes.text();
    const aFailedJobs = byTestId(aHtml, "li", "failed-job").map(textOf);
    expect(aFailedJobs).toHaveLength(1);
    expect(aFailedJobs[0]).toContain("send-email after 4 attempts");
    expect(aFailedJobs[0]).toContain("InternalServerError 500: boom");
    const aQueuedJobs = byTestId(aHtml, "li", "queued-job").map(textOf);
    expect(aQueuedJobs).toHaveLength(2);
    expect(aQueuedJobs.every((j) => j.startsWith("send-email"))).toBe(true);
    expect(aQueuedJobs.filter((j) => j.includes("(attempt 2 of 4) · last error: ServiceUnavailable 503: batch of Alpha"))).toHaveLength(1);
    const aText = textOf(aHtml);
    expect(aText).not.toContain("Bravo only");
    expect(aText).not.toContain("batch of Bravo");
    // Recent email: A's four messages, with a Retry button only on the failed one.
    const aRows = byTestId(aHtml, "tr", "email-row");
    expect(aRows).toHaveLength(4);
    expect(aRows.map(textOf).join("\n")).toContain("alpha-queued@example.com");
    expect(aText).not.toContain("bravo-");
    const retryIds = inputValues(aHtml, "messageId");
    expect(retryIds).toEqual([aFailed.id]);
    expect(aText).not.toContain(aQueued); // ids are never shown as text

    // B's page: none of A's jobs or emails, and its own.
    const bHtml = await (await b.browser.get("/settings/jobs")).text();
    const bFailedJobs = byTestId(bHtml, "li", "failed-job").map(textOf);
    expect(bFailedJobs).toHaveLength(1);
    expect(bFailedJobs[0]).toContain("InternalServerError 502: Bravo only");
    const bQueuedJobs = byTestId(bHtml, "li", "queued-job").map(textOf);
    expect(bQueuedJobs).toHaveLength(2);
    expect(bQueuedJobs.filter((j) => j.includes("batch of Bravo"))).toHaveLength(1);
    const bText = textOf(bHtml);
    expect(bText).not.toContain("InternalServerError 500: boom");
    expect(bText).not.toContain("batch of Alpha");
    expect(bText).not.toContain("alpha-");
    expect(bHtml).not.toContain(aFailed.id);
    expect(inputValues(bHtml, "messageId")).toEqual([bFailed.id]);
    expect(byTestId(bHtml, "tr", "email-row")).toHaveLength(3);
    expect(bQueued).toBeTruthy();
  });

  it("shows an empty page to a business with no jobs and needs a signed-in user", async () => {
    const { browser } = await signedInBusiness();
    const text = textOf(await (await browser.get("/settings/jobs")).text());
    expect(text).toContain("Failed jobs None.");
    expect(text).toContain("Nothing waiting.");
    expect(text).toContain("No email yet.");

    const anonymous = new Browser(server.url);
    const page = await anonymous.get("/settings/jobs");
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fjobs");
  });
});

// Retry ------------------------------------------------------------------------------------------------

describe("retrying a failed email", () => {
  it("queues the business's own failed message again with a fresh keyed job and removes the failed one", async () => {
    const a = await signedInBusiness();
    const { id, jobId } = await failedEmail(a.business.id, "retry-me@example.com");

    const res = await a.browser.post("/settings/jobs", { intent: "retry-email", messageId: id });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/settings/jobs");
    const page = await (await a.browser.get("/settings/jobs")).text();
    expect(textOf(page)).toContain("The email is queued again.");
    expect(byTestId(page, "li", "failed-job")).toHaveLength(0);
    expect(byTestId(page, "li", "queued-job")).toHaveLength(1);

    expect(await message(id)).toMatchObject({ status: "QUEUED", attempts: 0, error: null });
    const jobs = await jobsFor(id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].id).not.toBe(jobId);
    expect(jobs[0]).toMatchObject({ key: `send-email:${id}`, task: "send-email", attempts: 0, maxAttempts: 4, lastError: null });
    expect(await jobsByKey([`send-email:${id}`])).toEqual(jobs);

    // Not failed any more: a second retry changes nothing.
    const again = await a.browser.post("/settings/jobs", { intent: "retry-email", messageId: id });
    expect(again.status).toBe(302);
    expect(textOf(await (await a.browser.get("/settings/jobs")).text())).toContain("That email is not failed; nothing to retry.");
    expect(await jobsFor(id)).toEqual(jobs);
  });

  it("retries a message whose failed job was a batch: the batch job goes, the others stay FAILED and can be retried", async () => {
    const a = await signedInBusiness();
    const batch = await batchOf(a.business.id, ["batch-1@example.com", "batch-2@example.com"]);
    const [m1, m2] = batch.ids;
    const batchKey = (await message(m1)).batchJobKey!;
    expect(batchKey).toMatch(/^send-email:batch:/);
    expect((await message(m2)).batchJobKey).toBe(batchKey);
    await setJobAttempts(batch.jobId, 4, "InternalServerError 500: batch boom");
    await prisma.emailMessage.updateMany({ where: { id: { in: batch.ids } }, data: { status: "FAILED", attempts: 4, error: "boom" } });

    expect((await a.browser.post("/settings/jobs", { intent: "retry-email", messageId: m1 })).status).toBe(302);
    expect(await message(m1)).toMatchObject({ status: "QUEUED", attempts: 0, batchJobKey: null });
    expect((await jobsFor(m1)).map((j) => [j.key, j.attempts])).toEqual([[`send-email:${m1}`, 0]]);
    // The batch job went with it; m2 is still FAILED and can be retried on its own.
    expect(await jobsByKey([batchKey])).toEqual([]);
    expect(await message(m2)).toMatchObject({ status: "FAILED" });
    expect((await a.browser.post("/settings/jobs", { intent: "retry-email", messageId: m2 })).status).toBe(302);
    expect(await message(m2)).toMatchObject({ status: "QUEUED", attempts: 0 });
    expect((await jobsFor(m2)).map((j) => j.key)).toEqual([`send-email:${m2}`]);
  });

  it("leaves a batch that is still retrying alone when one of its messages failed for good", async () => {
    const a = await signedInBusiness();
    const batch = await batchOf(a.business.id, ["refused@example.com", "still-trying@example.com"]);
    const [refused, other] = batch.ids;
    const batchKey = (await message(refused)).batchJobKey!;
    // Postmark refused one (FAILED at once); the batch job retries the other.
    await setJobAttempts(batch.jobId, 1, "ServiceUnavailable 503: later");
    await prisma.emailMessage.update({ where: { id: refused }, data: { status: "FAILED", attempts: 1, error: "InactiveRecipientsError 406" } });

    expect((await a.browser.post("/settings/jobs", { intent: "retry-email", messageId: refused })).status).toBe(302);
    expect((await jobsFor(refused)).map((j) => j.key)).toEqual([`send-email:${refused}`]);
    expect((await jobsByKey([batchKey])).map((j) => [j.id, j.attempts])).toEqual([[batch.jobId, 1]]);
    expect(await message(other)).toMatchObject({ status: "QUEUED", batchJobKey: batchKey });
  });

  it("does nothing for another business's message, refuses a bad body, and needs a signed-in user", async () => {
    const a = await signedInBusiness();
    const b = await signedInBusiness();
    const { id, jobId } = await failedEmail(a.business.id, "not-yours@example.com");
    const before = await message(id);
    const jobsBefore = await jobsFor(id);

    const res = await b.browser.post("/settings/jobs", { intent: "retry-email", messageId: id });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/settings/jobs");
    expect(textOf(await (await b.browser.get("/settings/jobs")).text())).toContain("That email is not failed; nothing to retry.");
    expect(await message(id)).toEqual(before);
    expect(await jobsFor(id)).toEqual(jobsBefore);
    expect(jobsBefore.map((j) => j.id)).toEqual([jobId]);

    const badForms: Record<string, string>[] = [
      { intent: "retry-email" },
      { intent: "retry-email", messageId: "" },
      { intent: "delete-everything", messageId: id },
      {},
    ];
    for (const form of badForms) {
      const bad = await a.browser.post("/settings/jobs", form);
      expect(bad.status, JSON.stringify(form)).toBe(400);
    }
    expect(await message(id)).toEqual(before);

    const anonymous = new Browser(server.url);
    const post = await anonymous.post("/settings/jobs", { intent: "retry-email", messageId: id });
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    expect(await message(id)).toEqual(before);
    expect(await jobsFor(id)).toEqual(jobsBefore);
  });
});

// Repeat this invoice ---------------------------------------------------------------------------------

const schedulesOf = (templateInvoiceId: string) => prisma.recurringSchedule.findMany({ where: { templateInvoiceId }, orderBy: { createdAt: "asc" } });

function repeatForm(fields: Record<string, string> = {}) {
  return {
    intent: "make-recurring",
    frequency: "MONTHLY",
    interval: "1",
    startOn: todayIn("America/New_York"),
    ends: "never",
    endOn: "",
    count: "",
    ...fields,
  };
}

describe("repeat this invoice", () => {
  it("makes a schedule from the form and lists it on /recurring", async () => {
    const { business, customer, browser } = await signedInBusiness();
    const invoice = await sentInvoice(business.id, customer.id);
    const page = await (await browser.get(`/invoices/${invoice.id}`)).text();
    expect(attributesAt(page, '[name="intent"]', "value")).toContain("make-recurring");

    const startOn = shiftDays(todayIn("America/New_York"), 5);
    const res = await browser.post(`/invoices/${invoice.id}`, repeatForm({ frequency: "MONTHLY", interval: "2", startOn, autoSend: "on" }));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/recurring");

    const schedules = await schedulesOf(invoice.id);
    expect(schedules).toHaveLength(1);
    const [s] = schedules;
    expect(s).toMatchObject({
      businessId: business.id,
      customerId: customer.id,
      templateInvoiceId: invoice.id,
      frequency: "MONTHLY",
      interval: 2,
      autoSend: true,
      active: true,
      endOn: null,
      remainingCount: null,
    });
    expect(dateOf(s.startOn)).toBe(startOn);
    expect(dateOf(s.nextRunOn)).toBe(startOn);

    const list = await browser.get("/recurring");
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(textOf(html)).toContain(`This invoice now repeats every 2 months, first on ${startOn}.`);
    const cards = byTestId(html, "article", "schedule");
    expect(cards).toHaveLength(1);
    expect(attributesAt(cards[0], "a[href]", "href")).toContain(`/invoices/${invoice.id}`);
    const card = textOf(cards[0]);
    expect(card).toContain(customer.name);
    expect(card).toContain("INV-0001");
    expect(card).toContain("every 2 months");
    expect(card).toContain(`Next on ${startOn}`);
    expect(card).toContain("emailed automatically");
    expect(inputValues(cards[0], "scheduleId")).toContain(s.id);

    // The invoice page now points at the schedule instead of offering the form again.
    const after = await (await browser.get(`/invoices/${invoice.id}`)).text();
    expect(attributesAt(after, "[value]", "value")).not.toContain("make-recurring");
    expect(textOf(after)).toContain("This invoice repeats. See the schedule");
  });

  it("stores an end date, or a count with drafts kept for review", async () => {
    const { business, customer, browser } = await signedInBusiness();
    const today = todayIn("America/New_York");

    const first = await sentInvoice(business.id, customer.id);
    const endOn = shiftDays(today, 90);
    expect(
      (await browser.post(`/invoices/${first.id}`, repeatForm({ frequency: "WEEKLY", interval: "3", startOn: today, ends: "on", endOn, autoSend: "on" })))
        .status,
    ).toBe(302);
    const [byDate] = await schedulesOf(first.id);
    expect(byDate).toMatchObject({ frequency: "WEEKLY", interval: 3, remainingCount: null, autoSend: true });
    expect(dateOf(byDate.endOn)).toBe(endOn);

    const second = await draftInvoice(business.id, customer.id);
    // No autoSend field: an unticked checkbox is not submitted.
    expect(
      (await browser.post(`/invoices/${second.id}`, repeatForm({ frequency: "WEEKLY", interval: "1", startOn: today, ends: "after", count: "3" }))).status,
    ).toBe(302);
    const [byCount] = await schedulesOf(second.id);
    expect(byCount).toMatchObject({ frequency: "WEEKLY", interval: 1, remainingCount: 3, endOn: null, autoSend: false });

    const cards = byTestId(await (await browser.get("/recurring")).text(), "article", "schedule").map(textOf);
    expect(cards).toHaveLength(2);
    expect(cards.find((c) => c.includes("every 3 weeks"))).toContain(`ends ${endOn}`);
    const countCard = cards.find((c) => c.includes("every week"));
    expect(countCard).toContain("3 left");
    expect(countCard).toContain("kept as drafts to review");
  });

  it("answers 400 with the messages next to the fields and writes nothing for invalid input", async () => {
    const { business, customer, browser } = await signedInBusiness();
    const invoice = await sentInvoice(business.id, customer.id);
    const today = todayIn("America/New_York");
    const cases: { form: Record<string, string>; field: string; message: string }[] = [
      { form: { interval: "0" }, field: "interval", message: "At least 1" },
      { form: { interval: "13" }, field: "interval", message: "At most 12" },
      { form: { ends: "on", endOn: "" }, field: "endOn", message: "Choose the last date" },
      { form: { ends: "on", startOn: today, endOn: shiftDays(today, -1) }, field: "endOn", message: "Must be on or after the first date" },
      { form: { ends: "after", count: "0" }, field: "count", message: "At least 1" },
      { form: { ends: "after", count: "" }, field: "count", message: "Enter how many invoices" },
      { form: { frequency: "DAILY" }, field: "frequency", message: "Choose weekly or monthly" },
    ];
    for (const { form, field, message } of cases) {
      const res = await browser.post(`/invoices/${invoice.id}`, repeatForm(form));
      expect(res.status, JSON.stringify(form)).toBe(400);
      const html = await res.text();
      expect(repeatError(html, field), JSON.stringify(form)).toBe(message);
      // The form is shown open so the messages are visible.
      expect(elementsAt(html, "details[open]")).not.toHaveLength(0);
    }
    expect(await schedulesOf(invoice.id)).toEqual([]);
    expect(await prisma.recurringSchedule.count({ where: { businessId: business.id } })).toBe(0);
  });

  it("is 404 for another business's invoice and refused for a void one", async () => {
    const a = await signedInBusiness();
    const b = await signedInBusiness();
    const invoice = await sentInvoice(a.business.id, a.customer.id);

    const res = await b.browser.post(`/invoices/${invoice.id}`, repeatForm({ autoSend: "on" }));
    expect(res.status).toBe(404);
    expect(await schedulesOf(invoice.id)).toEqual([]);

    await voidInvoice(a.business.id, invoice.id);
    const page = await (await a.browser.get(`/invoices/${invoice.id}`)).text();
    expect(attributesAt(page, "[value]", "value")).not.toContain("make-recurring");
    const voided = await a.browser.post(`/invoices/${invoice.id}`, repeatForm());
    expect(voided.status).toBe(302);
    expect(voided.headers.get("location")).toBe(`/invoices/${invoice.id}`);
    expect(textOf(await (await a.browser.get(`/invoices/${invoice.id}`)).text())).toContain("A void invoice cannot be repeated.");
    expect(await schedulesOf(invoice.id)).toEqual([]);
  });
});

// Stop a schedule -------------------------------------------------------------------------------------

describe("stopping a schedule", () => {
  it("stops the business's own schedule; another business's is 404 and untouched", async () => {
    const a = await signedInBusiness();
    const b = await signedInBusiness();
    const invoice = await sentInvoice(a.business.id, a.customer.id);
    const schedule = await createSchedule(a.business.id, invoice.id, {
      frequency: "MONTHLY",
      interval: 1,
      startOn: todayIn("America/New_York"),
      ends: "never",
      autoSend: true,
    });
    const before = await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } });

    const foreign = await b.browser.post("/recurring", { intent: "stop", scheduleId: schedule.id });
    expect(foreign.status).toBe(404);
    expect(await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } })).toEqual(before);
    expect(byTestId(await (await b.browser.get("/recurring")).text(), "article", "schedule")).toHaveLength(0);

    const bad = await a.browser.post("/recurring", { intent: "stop" });
    expect(bad.status).toBe(400);
    expect((await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } })).active).toBe(true);

    const anonymous = await new Browser(server.url).post("/recurring", { intent: "stop", scheduleId: schedule.id });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);
    expect((await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } })).active).toBe(true);

    const res = await a.browser.post("/recurring", { intent: "stop", scheduleId: schedule.id });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/recurring");
    expect((await prisma.recurringSchedule.findUniqueOrThrow({ where: { id: schedule.id } })).active).toBe(false);
    const html = await (await a.browser.get("/recurring")).text();
    expect(textOf(html)).toContain("Schedule stopped. Invoices already made are kept.");
    const [card] = byTestId(html, "article", "schedule");
    expect(textOf(card)).toContain("Stopped");
    expect(attributesAt(card, "[value]", "value")).not.toContain("stop");
  });
});

// Email timeline and pay link --------------------------------------------------------------------------

describe("invoice page: email timeline and pay link", () => {
  it("emails a sent invoice and shows the message's progress on the timeline", async () => {
    const { business, customer, browser } = await signedInBusiness();
    const invoice = await sentInvoice(business.id, customer.id);
    expect(timelineEntries(await (await browser.get(`/invoices/${invoice.id}`)).text())).toEqual([]);

    const res = await browser.post(`/invoices/${invoice.id}`, { intent: "send-email" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/invoices/${invoice.id}`);
    const messages = await prisma.emailMessage.findMany({ where: { invoiceId: invoice.id } });
    expect(messages).toHaveLength(1);
    const [m] = messages;
    expect(m).toMatchObject({ businessId: business.id, to: customer.email, template: "invoice-sent", status: "QUEUED" });
    expect((await jobsFor(m.id)).map((j) => j.key)).toEqual([`send-email:${m.id}`]);
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("SENT");

    const html = await (await browser.get(`/invoices/${invoice.id}`)).text();
    expect(textOf(html)).toContain(`Invoice emailed to ${customer.email}.`);
    let entries = timelineEntries(html);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toContain(`Invoice to ${customer.email} Queued`);
    expect(entries[0]).toContain(`Queued ${minute(m.createdAt)}`);
    expect(entries[0]).not.toContain("Sent ");

    const sentAt = new Date("2025-03-04T10:15:00Z");
    const deliveredAt = new Date("2025-03-04T10:16:30Z");
    const openedAt = new Date("2025-03-05T08:01:00Z");
    await prisma.emailMessage.update({ where: { id: m.id }, data: { status: "SENT", sentAt } });
    entries = timelineEntries(await (await browser.get(`/invoices/${invoice.id}`)).text());
    expect(entries[0]).toContain(`Invoice to ${customer.email} Sent`);
    expect(entries[0]).toContain("Sent 2025-03-04 10:15 UTC");
    expect(entries[0]).not.toContain("Delivered");

    await prisma.emailMessage.update({ where: { id: m.id }, data: { status: "DELIVERED", deliveredAt } });
    entries = timelineEntries(await (await browser.get(`/invoices/${invoice.id}`)).text());
    expect(entries[0]).toContain(`Invoice to ${customer.email} Delivered`);
    expect(entries[0]).toContain("Delivered 2025-03-04 10:16 UTC");

    await prisma.emailMessage.update({ where: { id: m.id }, data: { status: "OPENED", openedAt } });
    entries = timelineEntries(await (await browser.get(`/invoices/${invoice.id}`)).text());
    expect(entries).toHaveLength(1);
    expect(entries[0]).toContain(`Invoice to ${customer.email} Opened`);
    expect(entries[0]).toMatch(/Queued .* UTC Sent 2025-03-04 10:15 UTC Delivered 2025-03-04 10:16 UTC Opened 2025-03-05 08:01 UTC/);

    // Another business cannot email it.
    const other = await signedInBusiness();
    expect((await other.browser.post(`/invoices/${invoice.id}`, { intent: "send-email" })).status).toBe(404);
    expect(await prisma.emailMessage.count({ where: { invoiceId: invoice.id } })).toBe(1);
  });

  it("shows the pay link only once sent and not after voiding; the link opens the pay page without a session", async () => {
    const { business, customer, browser } = await signedInBusiness();
    const invoice = await draftInvoice(business.id, customer.id);
    const payLinkOf = (html: string) => {
      const input = elementAt(html, 'input[data-testid="pay-link"]');
      return input ? (input.getAttribute("value") ?? null) : null;
    };

    const draftHtml = await (await browser.get(`/invoices/${invoice.id}`)).text();
    expect(payLinkOf(draftHtml)).toBeNull();
    expect(textOf(draftHtml)).not.toContain("Customer pay link");
    expect(visibleHtml(draftHtml)).not.toContain(`/pay/${invoice.id}`);

    await markInvoiceSent(business.id, invoice.id);
    const sentHtml = await (await browser.get(`/invoices/${invoice.id}`)).text();
    expect(textOf(sentHtml)).toContain("Customer pay link");
    const link = payLinkOf(sentHtml);
    expect(link).toMatch(new RegExp(`^${server.url.replaceAll(".", "\\.")}/pay/${invoice.id}\\?t=[A-Za-z0-9_-]{24}&d=\\d+$`));
    const url = new URL(link!);

    const customerBrowser = new Browser(server.url);
    const pay = await customerBrowser.get(`${url.pathname}${url.search}`);
    expect(pay.status).toBe(200);
    expect(textOf(await pay.text())).toContain("INV-0001");

    await voidInvoice(business.id, invoice.id);
    const voidHtml = await (await browser.get(`/invoices/${invoice.id}`)).text();
    expect(payLinkOf(voidHtml)).toBeNull();
    expect(textOf(voidHtml)).not.toContain("Customer pay link");
    // Voiding severs the link already handed out.
    expect((await new Browser(server.url).get(`${url.pathname}${url.search}`)).status).toBe(401);
  });
});

// Reminder settings -----------------------------------------------------------------------------------

describe("reminder settings", () => {
  it("live on Settings → Reminders: stores the days sorted and the switch; rejects a zero day with the message", async () => {
    const { business, browser } = await signedInBusiness();
    expect(await prisma.business.findUniqueOrThrow({ where: { id: business.id } })).toMatchObject({ remindersEnabled: true, reminderDays: [1, 7, 14] });

    const res = await browser.post("/settings/reminders", { reminderDays: "14, 1, 7" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/settings/reminders");
    const saved = await prisma.business.findUniqueOrThrow({ where: { id: business.id } });
    expect(saved).toMatchObject({ remindersEnabled: false, reminderDays: [1, 7, 14] });

    const page = await (await browser.get("/settings/reminders")).text();
    expect(textOf(page)).toContain("Reminder settings saved.");
    const checkbox = elementAt(page, 'input[name="remindersEnabled"]');
    expect(checkbox).toBeTruthy();
    expect(checkbox!.hasAttribute("checked")).toBe(false);
    expect(fieldValue(page, "reminderDays")).toBe("1, 7, 14");

    const zero = await browser.post("/settings/reminders", { remindersEnabled: "on", reminderDays: "0" });
    expect(zero.status).toBe(400);
    expect(textOf(await zero.text())).toContain("Enter up to 6 whole numbers of days from 1 to 365, such as 1, 7, 14");
    expect(await prisma.business.findUniqueOrThrow({ where: { id: business.id } })).toEqual(saved);

    const on = await browser.post("/settings/reminders", { remindersEnabled: "on", reminderDays: "7 3 7" });
    expect(on.status).toBe(302);
    expect(await prisma.business.findUniqueOrThrow({ where: { id: business.id } })).toMatchObject({ remindersEnabled: true, reminderDays: [3, 7] });

    // The business profile page no longer carries them, and saving it leaves them alone.
    const profilePage = await (await browser.get("/settings/business")).text();
    expect(profilePage).not.toContain('name="reminderDays"');
    expect(profilePage).toContain('href="/settings/reminders"');
    const profile = await browser.post(
      "/settings/business",
      profileForm({ remindersEnabled: undefined, reminderDays: undefined, reviewRequestPeriodDays: "30" }),
    );
    expect(profile.status).toBe(302);
    expect(await prisma.business.findUniqueOrThrow({ where: { id: business.id } })).toMatchObject({
      remindersEnabled: true,
      reminderDays: [3, 7],
      reviewRequestPeriodDays: 30,
    });
  });
});
