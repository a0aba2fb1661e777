// Optional estimate lines (issue 14): the contractor offers add-ons, the customer ticks the ones they
// want before approving. An estimate's stored totals always cover exactly the lines that count: every
// required line plus the chosen optional ones, with the one rounding rule of totals.ts. Pure, so the
// customer's page can show "the total with your choices" without saving anything.
import { computeTotals, type Totals, type TotalsInput, type TotalsLineInput } from "./totals";

type ChoosableLine = TotalsLineInput & { optional?: boolean; selected?: boolean };

/** Whether a line counts toward the total. */
export const lineCounts = (line: { optional?: boolean; selected?: boolean }) => !line.optional || Boolean(line.selected);

/**
 * Totals over the lines that count. Every line still gets its own amount (shown beside its tick box);
 * a line that does not count carries no tax and no discount share.
 */
export function totalsWithChoices(input: Omit<TotalsInput, "lines"> & { lines: ChoosableLine[] }): Totals {
  const counted = input.lines.filter(lineCounts);
  const chosen = computeTotals({ ...input, lines: counted });
  const alone = computeTotals({ lines: input.lines, taxMode: "INVOICE", taxRate: 0, discountType: "NONE", discountValue: 0 });
  let k = 0;
  return {
    ...chosen,
    lines: input.lines.map((line, i) =>
      lineCounts(line) ? chosen.lines[k++] : { amountCents: alone.lines[i].amountCents, taxCents: 0, discountShareCents: 0 },
    ),
  };
}

export type ApprovalView = { name: string | null; at: string; ip: string | null; userAgent: string | null };

/** When the customer approved, in the business's time zone. */
export function approvalView(
  estimate: { approvedAt: Date | null; approvedByName: string | null; approvedIp: string | null; approvedUserAgent: string | null },
  timeZone: string,
): ApprovalView | null {
  if (!estimate.approvedAt) return null;
  const at = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(estimate.approvedAt);
  return { name: estimate.approvedByName, at, ip: estimate.approvedIp, userAgent: estimate.approvedUserAgent };
}
