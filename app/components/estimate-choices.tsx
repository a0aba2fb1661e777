// An estimate's optional items and its approval record (issue 14). The customer's page shows the optional
// items as tick boxes inside the approval form (plain HTML: "Update total" is a submit button, so it works
// with no JavaScript); the contractor's page shows the same list read-only, and who approved, when and from where.
import { lineCounts, totalsWithChoices, type ApprovalView } from "~/models/estimate-options";
import { formatMoney, quantityToInput } from "~/utils/money";
import { documentView } from "./document-lines";
import { ErrorList } from "./forms";

/** The longest typed name that signs an approval (the form cuts a longer one when it shows it again). */
export const SIGNATURE_MAX = 100;

export { approvalView } from "~/models/estimate-options";

type EstimateForView = Omit<Parameters<typeof documentView>[0], "lines"> & {
  lines: (Parameters<typeof documentView>[0]["lines"][number] & { optional: boolean; selected: boolean })[];
  discountType: "NONE" | "AMOUNT" | "PERCENT";
  discountValue: number;
};

/**
 * Loader-side: the estimate's lines and totals as they stand with `chosen` (the ids of ticked optional
 * lines; null keeps the stored choice). The table shows the lines that count; the rest are listed as options.
 */
export function estimateChoiceView(estimate: EstimateForView, chosen: ReadonlySet<string> | null = null) {
  const lines = estimate.lines.map((l) => ({ ...l, selected: l.optional && (chosen ? chosen.has(l.id) : l.selected) }));
  const totals = totalsWithChoices({ ...estimate, lines });
  const priced = lines.map((l, i) => ({ ...l, amountCents: totals.lines[i].amountCents, taxCents: totals.lines[i].taxCents }));
  return {
    ...documentView({ ...estimate, ...totals, lines: priced.filter(lineCounts) }),
    options: priced
      .filter((l) => l.optional)
      .map((l): OptionalItemView => ({
        id: l.id,
        description: l.description,
        quantity: quantityToInput(l.quantityMilli),
        amountCents: l.amountCents,
        chosen: l.selected,
      })),
  };
}

type OptionalItemView = { id: string; description: string; quantity: string; amountCents: number; chosen: boolean };

export function OptionalItems({ items, currency, editable, errors }: { items: OptionalItemView[]; currency: string; editable: boolean; errors?: string[] }) {
  if (!items.length) return null;
  return (
    <fieldset className="stack" aria-describedby="options-hint">
      <legend>Optional items</legend>
      <p className="hint" id="options-hint">
        {editable
          ? "Tick the extras you want; they are added to the total when you approve."
          : "Offered to the customer as extras; only ticked ones count in the total."}
      </p>
      <ErrorList id="options-error" errors={errors} />
      <ul>
        {items.map((item) =>
          editable ? (
            <li key={item.id}>
              <label>
                <input type="checkbox" name="option" value={item.id} defaultChecked={item.chosen} /> {item.description} ({item.quantity} ×){" "}
                {formatMoney(item.amountCents, currency)}
              </label>
            </li>
          ) : (
            <li key={item.id} data-testid="optional-item">
              {item.chosen ? "✓ Chosen: " : "Not chosen: "}
              {item.description} ({item.quantity} ×) {formatMoney(item.amountCents, currency)}
            </li>
          ),
        )}
      </ul>
    </fieldset>
  );
}

/** The approval record: the typed name is the customer's signature. */
export function ApprovalRecord({ approval, showSource }: { approval: ApprovalView | null; showSource: boolean }) {
  if (!approval) return null;
  return (
    <p className="flash flash-success" data-testid="approval-record">
      Approved{approval.name ? ` by ${approval.name}` : ""} on {approval.at}
      {showSource && (approval.ip || approval.userAgent) ? (
        <>
          <br />
          <small>
            From {approval.ip ?? "unknown address"}
            {approval.userAgent ? ` · ${approval.userAgent}` : ""}
          </small>
        </>
      ) : null}
    </p>
  );
}
