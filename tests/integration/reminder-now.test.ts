// Issue 14: "Send reminder now" on an overdue invoice. Queued through the same email path as the scheduled
// reminders, at most once a day per invoice, only for the business's own overdue invoices.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { documentInput, isoDate, makeCustomer, shiftDays } from "../helpers/business-data";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());

const text = (html: string) => html.replaceAll("<!-- -->", "");

async function setup(options: { email?: string | null; dueInDays?: number } = {}) {
  const { user, business } = await createAccount({ businessName: `Reminder Electric ${crypto.randomUUID().slice(0, 6)}` });
  const customer = await makeCustomer(business.id, { name: "Sam Late", email: options.email === undefined ? "sam@example.com" : options.email });
  const today = isoDate();
  const invoice = await createInvoice(
    business.id,
    await documentInput({ customerId: customer.id, issueDate: shiftDays(today, -30), dueDate: shiftDays(today, options.dueInDays ?? -10) }),
  );
  await markInvoiceSent(business.id, invoice.id);
  const browser = await signedInBrowser(server, user);
  return { business, invoice, browser };
}

const reminders = (invoiceId: string) => prisma.emailMessage.findMany({ where: { invoiceId, template: "overdue-reminder" } });

describe("send reminder now", () => {
  it("queues one reminder a day for an overdue invoice; a second press the same day sends nothing", async () => {
    const { invoice, browser } = await setup();
    const page = text(await (await browser.get(`/invoices/${invoice.id}`)).text());
    expect(page).toContain("Send reminder now");

    const res = await browser.post(`/invoices/${invoice.id}`, { intent: "send-reminder" });
    expect(res.status).toBe(302);
    const sent = await reminders(invoice.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: "sam@example.com" });
    expect(sent[0].dedupeKey).toMatch(new RegExp(`^reminder-now:${invoice.id}:\\d{4}-\\d{2}-\\d{2}$`));
    expect(sent[0].textBody).toContain("/pay/");
    expect(text(await (await browser.get(`/invoices/${invoice.id}`)).text())).toContain("Reminder emailed to sam@example.com.");

    const again = await browser.post(`/invoices/${invoice.id}`, { intent: "send-reminder" });
    expect(again.status).toBe(302);
    expect(await reminders(invoice.id)).toHaveLength(1);
    expect(text(await (await browser.get(`/invoices/${invoice.id}`)).text())).toContain("A reminder already went out today.");
    expect(await prisma.activityEvent.count({ where: { invoiceId: invoice.id, type: "invoice.reminder" } })).toBe(1);
  });

  it("refuses an invoice that is not overdue or whose customer has no email, and hides the button", async () => {
    const notDue = await setup({ dueInDays: 5 });
    expect(text(await (await notDue.browser.get(`/invoices/${notDue.invoice.id}`)).text())).not.toContain("Send reminder now");
    await notDue.browser.post(`/invoices/${notDue.invoice.id}`, { intent: "send-reminder" });
    expect(text(await (await notDue.browser.get(`/invoices/${notDue.invoice.id}`)).text())).toContain("Only an overdue invoice gets a reminder.");
    expect(await reminders(notDue.invoice.id)).toHaveLength(0);

    const noEmail = await setup({ email: null });
    await noEmail.browser.post(`/invoices/${noEmail.invoice.id}`, { intent: "send-reminder" });
    expect(text(await (await noEmail.browser.get(`/invoices/${noEmail.invoice.id}`)).text())).toContain("Add an email address to the customer first.");
    expect(await reminders(noEmail.invoice.id)).toHaveLength(0);
  });

  it("another business's invoice is a 404 and gets no email", async () => {
    const mine = await setup();
    const theirs = await setup();
    const res = await mine.browser.post(`/invoices/${theirs.invoice.id}`, { intent: "send-reminder" });
    expect(res.status).toBe(404);
    expect(await reminders(theirs.invoice.id)).toHaveLength(0);
  });
});
