// The invoice list and invoice page loaders called directly on the test database: no session is a
// redirect to the login (coming back afterwards), each business sees only its own invoices, and another
// business's invoice is a 404, even through the list's customer filter.
import { beforeAll, describe, expect, it } from "vitest";
import { createInvoice } from "~/models/invoice.server";
import { loader as invoicePage } from "~/routes/invoices+/$invoiceId._index/route";
import { loader as invoiceList } from "~/routes/invoices+/_index";
import { createAccount, sessionCookieFor } from "../../helpers/accounts";
import { documentInput, makeCustomer } from "../../helpers/business-data";
import { callRoute, getRequest } from "../../helpers/route-calls";

async function businessWithInvoice(businessName: string) {
  const { user, business } = await createAccount({ businessName });
  const customer = await makeCustomer(business.id);
  const invoice = await createInvoice(business.id, await documentInput({ customerId: customer.id }));
  return { business, customer, invoice, cookie: await sessionCookieFor(user) };
}

let A: Awaited<ReturnType<typeof businessWithInvoice>>;
let B: Awaited<ReturnType<typeof businessWithInvoice>>;
beforeAll(async () => {
  A = await businessWithInvoice("Alpha Plumbing");
  B = await businessWithInvoice("Bravo Heating");
});

const listedIds = async (response: Response) => ((await response.json()) as { invoices: { id: string }[] }).invoices.map((i) => i.id);

describe("invoice list loader", () => {
  it("without a session redirects to the login, which comes back to the list", async () => {
    const response = await callRoute(invoiceList, { request: getRequest("/invoices?status=OPEN") });
    expect(response).toHaveRedirect(`/login?redirectTo=${encodeURIComponent("/invoices?status=OPEN")}`);
  });

  it("lists the signed-in business's invoices and nobody else's", async () => {
    const response = await callRoute(invoiceList, { request: getRequest("/invoices", { cookie: A.cookie }) });
    expect(response).toHaveStatus(200);
    expect(await listedIds(response)).toEqual([A.invoice.id]);
  });

  it("filtering by another business's customer finds nothing", async () => {
    const response = await callRoute(invoiceList, { request: getRequest(`/invoices?customerId=${B.customer.id}`, { cookie: A.cookie }) });
    expect(response).toHaveStatus(200);
    expect(await listedIds(response)).toEqual([]);
  });
});

describe("invoice page loader", () => {
  it("shows the business's own invoice", async () => {
    const response = await callRoute(invoicePage, {
      request: getRequest(`/invoices/${A.invoice.id}`, { cookie: A.cookie }),
      params: { invoiceId: A.invoice.id },
    });
    expect(response).toHaveStatus(200);
  });

  it("is a 404 for another business's invoice, the same as for one that does not exist", async () => {
    const foreign = await callRoute(invoicePage, {
      request: getRequest(`/invoices/${B.invoice.id}`, { cookie: A.cookie }),
      params: { invoiceId: B.invoice.id },
    });
    expect(foreign).toHaveStatus(404);
    const missing = await callRoute(invoicePage, {
      request: getRequest("/invoices/nonexistent0000", { cookie: A.cookie }),
      params: { invoiceId: "nonexistent0000" },
    });
    expect(missing).toHaveStatus(404);
  });

  it("without a session redirects to the login", async () => {
    const response = await callRoute(invoicePage, { request: getRequest(`/invoices/${A.invoice.id}`), params: { invoiceId: A.invoice.id } });
    expect(response).toHaveRedirect(`/login?redirectTo=${encodeURIComponent(`/invoices/${A.invoice.id}`)}`);
  });
});
