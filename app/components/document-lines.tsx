// The line-item table and totals of an invoice or estimate, shared by the contractor's pages and the
// customer's public pages (plain HTML, no JavaScript needed). On a narrow screen the table stacks
// (class "stacked", CSS only) so the amounts never sit behind a sideways scroll.
import { formatMoney, percentToInput, quantityToInput } from "~/utils/money";

type DocumentLineView = {
  id: string;
  description: string;
  quantity: string;
  unitPriceCents: number;
  taxRate: string;
  amountCents: number;
  taxCents: number;
};

export function DocumentLines({
  currency,
  taxMode,
  taxRate,
  lines,
  subtotalCents,
  discountCents,
  taxCents,
  totalCents,
  children,
}: {
  currency: string;
  taxMode: "PER_LINE" | "INVOICE";
  taxRate: string;
  lines: DocumentLineView[];
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  totalCents: number;
  children?: React.ReactNode;
}) {
  const money = (cents: number) => formatMoney(cents, currency);
  return (
    <>
      <div className="table-scroll">
        <table className="stacked">
          <thead>
            <tr>
              <th>Description</th>
              <th className="num">Qty</th>
              <th className="num">Unit price</th>
              {taxMode === "PER_LINE" ? <th className="num">Tax</th> : null}
              <th className="num">Amount</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.id}>
                <td className="cell-main">{l.description}</td>
                <td className="num" data-label="Qty">
                  {l.quantity}
                </td>
                <td className="num" data-label="Unit price">
                  {money(l.unitPriceCents)}
                </td>
                {taxMode === "PER_LINE" ? (
                  <td className="num" data-label="Tax">
                    {l.taxRate} % · {money(l.taxCents)}
                  </td>
                ) : null}
                <td className="num" data-label="Amount">
                  {money(l.amountCents)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {taxMode === "PER_LINE" && discountCents ? (
        <p className="muted" data-testid="tax-after-discount">
          Tax is calculated after the discount: each line is taxed on its share of the discounted amount.
        </p>
      ) : null}
      <dl className="totals">
        <dt>Subtotal</dt>
        <dd>{money(subtotalCents)}</dd>
        {discountCents ? (
          <>
            <dt>Discount</dt>
            <dd>−{money(discountCents)}</dd>
          </>
        ) : null}
        <dt>Tax{taxMode === "INVOICE" ? ` (${taxRate} %)` : ""}</dt>
        <dd>{money(taxCents)}</dd>
        <dt>Total</dt>
        <dd>
          <strong data-testid="total">{money(totalCents)}</strong>
        </dd>
        {children}
      </dl>
    </>
  );
}

/** Loader-side: Prisma line rows to the view model above. */
function lineViews(
  lines: { id: string; description: string; quantityMilli: number; unitPriceCents: number; taxRate: number; amountCents: number; taxCents: number }[],
  quantityToInput: (milli: number) => string,
  percentToInput: (milli: number) => string,
): DocumentLineView[] {
  return lines.map((l) => ({
    id: l.id,
    description: l.description,
    quantity: quantityToInput(l.quantityMilli),
    unitPriceCents: l.unitPriceCents,
    taxRate: percentToInput(l.taxRate),
    amountCents: l.amountCents,
    taxCents: l.taxCents,
  }));
}

/** Loader-side: the columns every page showing a document's lines and totals needs, as plain values. */
export function documentView(doc: {
  currency: string;
  taxMode: "PER_LINE" | "INVOICE";
  taxRate: number;
  lines: Parameters<typeof lineViews>[0];
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  totalCents: number;
  notes: string | null;
  terms: string | null;
}) {
  return {
    currency: doc.currency,
    taxMode: doc.taxMode,
    taxRate: percentToInput(doc.taxRate),
    lines: lineViews(doc.lines, quantityToInput, percentToInput),
    subtotalCents: doc.subtotalCents,
    discountCents: doc.discountCents,
    taxCents: doc.taxCents,
    totalCents: doc.totalCents,
    notes: doc.notes,
    terms: doc.terms,
  };
}
