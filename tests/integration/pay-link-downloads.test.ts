// Issue 14: from the pay link the customer downloads the invoice PDF and, once it is paid, a receipt PDF.
// Both routes check the link exactly as the pay page does (same 401 for a bad, expired, draft or void link).
import { createHmac } from "node:crypto";
import { PDFParse } from "pdf-parse";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createInvoice, markInvoiceSent, voidInvoice } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { prisma } from "~/utils/db.server";
import { createAccount } from "../helpers/accounts";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());
beforeEach(async () => {
  await prisma.rateLimitHit.deleteMany();
});

const today = () => Math.floor(Date.now() / 86_400_000);
const query = (id: string, day = today()) =>
  `?t=${createHmac("sha256", server.payLinkSecret).update(`pay:${id}:${day}`).digest("base64url").slice(0, 24)}&d=${day}`;
// One connection per request: pdf-parse keeps the process busy long enough for a pooled socket to be closed.
const get = (path: string) => fetch(`${server.url}${path}`, { headers: { Connection: "close" }, redirect: "manual" });

async function pdfText(res: Response) {
  const parser = new PDFParse({ data: new Uint8Array(await res.arrayBuffer()) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

async function sentInvoice() {
  const { business } = await createAccount({ businessName: `Receipt Plumbing ${crypto.randomUUID().slice(0, 6)}` });
  const customer = await makeCustomer(business.id, { name: "Dana Whitfield" });
  const invoice = await createInvoice(
    business.id,
    await documentInput({ customerId: customer.id, lines: [{ description: "Replace kitchen faucet", quantity: "2", unitPrice: "45.50" }] }),
  );
  await markInvoiceSent(business.id, invoice.id);
  return { business, customer, invoice };
}

const pay = (businessId: string, invoiceId: string, amountCents: number, key: string) =>
  applyPayment({ businessId, invoiceId, amountCents, currency: "USD", method: "CHECK", provider: "manual", providerPaymentId: key, reference: "Check 1042" });

describe("downloads from the pay link", () => {
  it("offers the invoice PDF; the receipt only once the invoice is paid", async () => {
    const { business, invoice } = await sentInvoice();
    const page = await (await get(`/pay/${invoice.id}${query(invoice.id)}`)).text();
    expect(page).toContain(`/pay/${invoice.id}/pdf?t=`);
    expect(page).not.toContain("/receipt?");
    expect(page).not.toMatch(/<script/i);

    const pdf = await get(`/pay/${invoice.id}/pdf${query(invoice.id)}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("cache-control")).toMatch(/no-store|private/);
    const text = await pdfText(pdf);
    expect(text).toContain("INV-0001");
    expect(text).toContain("Replace kitchen faucet");

    expect((await get(`/pay/${invoice.id}/receipt${query(invoice.id)}`)).status).toBe(404);
    await pay(business.id, invoice.id, 5_000, "part");
    expect((await get(`/pay/${invoice.id}/receipt${query(invoice.id)}`)).status).toBe(404);
    await pay(business.id, invoice.id, 4_100, "rest");

    const paidPage = await (await get(`/pay/${invoice.id}${query(invoice.id)}`)).text();
    expect(paidPage).toContain(`/pay/${invoice.id}/receipt?t=`);
    const receipt = await get(`/pay/${invoice.id}/receipt${query(invoice.id)}`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get("content-disposition")).toContain("receipt-INV-0001.pdf");
    const receiptText = await pdfText(receipt);
    expect(receiptText).toContain("RECEIPT");
    expect(receiptText).toContain("Payments received");
    expect(receiptText).toContain("$50.00");
    expect(receiptText).toContain("$41.00");
  });

  it("answers 401 for a bad, foreign, expired, draft or void link, like the pay page", async () => {
    const { business, customer, invoice } = await sentInvoice();
    const other = await sentInvoice();
    const draft = await createInvoice(business.id, await documentInput({ customerId: customer.id }));
    for (const kind of ["pdf", "receipt"]) {
      expect((await get(`/pay/${invoice.id}/${kind}?t=${"A".repeat(24)}&d=${today()}`)).status).toBe(401);
      expect((await get(`/pay/${invoice.id}/${kind}`)).status).toBe(401);
      // Another invoice's signature does not open this one.
      expect((await get(`/pay/${invoice.id}/${kind}${query(other.invoice.id)}`)).status).toBe(401);
      expect((await get(`/pay/${invoice.id}/${kind}${query(invoice.id, today() - 61)}`)).status).toBe(401);
      expect((await get(`/pay/${draft.id}/${kind}${query(draft.id)}`)).status).toBe(401);
    }
    await voidInvoice(business.id, invoice.id);
    expect((await get(`/pay/${invoice.id}/pdf${query(invoice.id)}`)).status).toBe(401);
  });
});
