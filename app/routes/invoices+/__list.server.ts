// The invoice list's data, apart from the route module (issue 17): each module a route file imports stays in
// the browser's module graph, and esbuild 0.17 (Remix's classic compiler) loads the chunk of every such
// module, used or not (money formatting, three empty stand-ins for server modules, ~1 KB gzipped). The
// route imports this one module for its loader.
import type { AppLoadContext } from "@remix-run/node";
import { json } from "@remix-run/node";
import { displayStatus, formatInvoiceNumber, listInvoices } from "~/models/invoice.server";
import { todayIn, toDateString } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { requireBusiness } from "~/web/auth.server";
import { InvoiceFilterSchema } from "./__forms.server";

export async function loadInvoiceList(request: Request, context: AppLoadContext) {
  // The root loader's session lookup, with the business's defaults in it: no query of its own.
  const { businessId, business } = await requireBusiness(request, context);
  const filters = InvoiceFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const today = todayIn(business.timeZone);
  const { invoices, nextCursor } = await listInvoices(
    businessId,
    { ...filters, customerId: filters.customerId || undefined, q: filters.q || undefined },
    today,
  );
  return json({
    filters,
    nextCursor,
    invoices: invoices.map((i) => ({
      id: i.id,
      number: formatInvoiceNumber(business.invoicePrefix, i.number),
      status: displayStatus(i, today),
      customer: i.customer,
      issueDate: toDateString(i.issueDate),
      dueDate: toDateString(i.dueDate),
      total: formatMoney(i.totalCents, i.currency),
      balance: formatMoney(Math.max(0, i.totalCents - i.amountPaidCents), i.currency),
    })),
  });
}
