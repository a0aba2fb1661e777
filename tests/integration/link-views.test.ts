// What opening a signed link writes (issue 17): the customer's first view of a pay or estimate link
// records the view (status, viewedAt, one activity event); repeat views within a minute write nothing
// (the row keeps its version), and later ones only move lastViewedAt. The contractor previewing their
// own link records nothing.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEstimate } from "~/models/estimate.server";
import { createInvoice, markInvoiceSent, markInvoiceViewed } from "~/models/invoice.server";
import { signLink } from "~/models/signed-link.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());

const day = () => Math.floor(Date.now() / 86_400_000);
const linkPath = (kind: "pay" | "estimate", id: string) => `/${kind}/${id}?t=${signLink(kind, id, day(), server.payLinkSecret)}&d=${day()}`;

async function open(kind: "pay" | "estimate", id: string) {
  const response = await fetch(`${server.url}${linkPath(kind, id)}`);
  await response.text();
  expect(response.status).toBe(200);
}

/** The row's version: any write to it, even of the same values, gives it a new xmin. */
async function rowVersion(table: "Invoice" | "Estimate", id: string) {
  const rows = await prisma.$queryRawUnsafe<{ xmin: string; lastViewedAt: Date | null; viewedAt: Date | null; status: string }[]>(
    `SELECT xmin::text AS xmin, "lastViewedAt", "viewedAt", status::text AS status FROM "${table}" WHERE id = $1`,
    id,
  );
  return rows[0];
}

async function sentInvoice() {
  const { user, business } = await createAccount({ businessName: `Views ${randomBytes(3).toString("hex")}` });
  const customer = await makeCustomer(business.id);
  const invoice = await createInvoice(
    business.id,
    await documentInput({ customerId: customer.id, lines: [{ description: "Job", quantity: "1", unitPrice: "100.00" }] }),
  );
  await markInvoiceSent(business.id, invoice.id);
  return { user, business, id: invoice.id };
}

const viewedEvents = (invoiceId: string) => prisma.activityEvent.count({ where: { invoiceId, type: "invoice.viewed" } });

describe("pay link views", () => {
  it("record the first view, write nothing on a repeat within a minute, and only lastViewedAt after it", async () => {
    const { id } = await sentInvoice();
    await open("pay", id);
    const first = await rowVersion("Invoice", id);
    expect(first.status).toBe("VIEWED");
    expect(first.viewedAt).not.toBeNull();
    expect(first.lastViewedAt).toEqual(first.viewedAt);
    expect(Math.abs(first.viewedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await viewedEvents(id)).toBe(1);

    await open("pay", id);
    await open("pay", id);
    expect(await rowVersion("Invoice", id)).toEqual(first);

    // A minute later the next view moves lastViewedAt only.
    await prisma.$executeRaw`UPDATE "Invoice" SET "lastViewedAt" = "lastViewedAt" - interval '2 minutes', "viewedAt" = "viewedAt" - interval '2 minutes' WHERE id = ${id}`;
    const aged = await rowVersion("Invoice", id);
    await open("pay", id);
    const later = await rowVersion("Invoice", id);
    expect(later.status).toBe("VIEWED");
    expect(later.viewedAt).toEqual(aged.viewedAt);
    expect(later.lastViewedAt!.getTime()).toBeGreaterThan(aged.lastViewedAt!.getTime() + 60_000);
    expect(await viewedEvents(id)).toBe(1);
  });

  it("record one first view when several arrive at once", async () => {
    const { business, id } = await sentInvoice();
    await Promise.all(Array.from({ length: 5 }, () => markInvoiceViewed(business.id, id)));
    expect(await viewedEvents(id)).toBe(1);
    expect((await rowVersion("Invoice", id)).status).toBe("VIEWED");
  });

  it("do not count the contractor previewing their own link", async () => {
    const { user, id } = await sentInvoice();
    const browser = await signedInBrowser(server, user);
    const response = await browser.get(linkPath("pay", id));
    expect(response.status).toBe(200);
    const row = await rowVersion("Invoice", id);
    expect(row.status).toBe("SENT");
    expect(row.lastViewedAt).toBeNull();
  });
});

describe("estimate link views", () => {
  it("record the first view and write nothing on a repeat within a minute", async () => {
    const { business } = await createAccount({ businessName: `Views ${randomBytes(3).toString("hex")}` });
    const customer = await makeCustomer(business.id);
    const estimate = await createEstimate(
      business.id,
      await documentInput({ customerId: customer.id, lines: [{ description: "Job", quantity: "1", unitPrice: "100.00" }] }, "USD", "estimate"),
    );
    await prisma.estimate.update({ where: { id: estimate.id }, data: { status: "SENT", sentAt: new Date() } });

    await open("estimate", estimate.id);
    const first = await rowVersion("Estimate", estimate.id);
    expect(first.status).toBe("VIEWED");
    expect(first.lastViewedAt).toEqual(first.viewedAt);
    await open("estimate", estimate.id);
    expect(await rowVersion("Estimate", estimate.id)).toEqual(first);
  });
});
