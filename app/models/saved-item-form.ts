// The saved-item (price book) form: one zod schema per currency, used by the Settings → Items actions
// and for the markup's constraints. The price becomes integer minor units here, as on invoice lines.
import { z } from "zod";
import { currencyDigits, parseDecimal } from "~/utils/money";
import { CONTROL_CHARS, CONTROL_MESSAGE, tooLong } from "~/utils/validation";
import { MAX_LINE_DESCRIPTION, MAX_UNIT_PRICE } from "./document-limits";

export const ITEM_NAME_MAX = 100;
export const ITEM_DESCRIPTION_MAX = MAX_LINE_DESCRIPTION;
/** Search text beyond this is cut off: no item name is longer, and the query stays cheap. */
export const ITEM_QUERY_MAX = 100;

export function savedItemFormSchema(currency: string) {
  const digits = currencyDigits(currency);
  const priceMessage = digits ? `Enter a price such as 120.50 (up to ${digits} decimals)` : "Enter a whole-number price";
  return z.object({
    name: z
      .string({ error: "Name the item" })
      .trim()
      .min(1, "Name the item")
      .max(ITEM_NAME_MAX, tooLong(ITEM_NAME_MAX))
      .refine((v) => !CONTROL_CHARS.test(v), CONTROL_MESSAGE),
    // The line's description when the item is added; blank means "use the name".
    description: z
      .string()
      .trim()
      .max(ITEM_DESCRIPTION_MAX, tooLong(ITEM_DESCRIPTION_MAX))
      .refine((v) => !CONTROL_CHARS.test(v), CONTROL_MESSAGE)
      .transform((v) => v || undefined)
      .optional(),
    unitPrice: z.string({ error: priceMessage }).transform((value, ctx) => {
      const cents = parseDecimal(value, digits);
      if (cents === null || cents < 0) {
        ctx.addIssue({ code: "custom", message: priceMessage });
        return z.NEVER;
      }
      if (cents > MAX_UNIT_PRICE) {
        ctx.addIssue({ code: "custom", message: "Unit prices above 1,000,000 are not accepted" });
        return z.NEVER;
      }
      return cents;
    }),
    // A checkbox: present ("on") when ticked, absent when not.
    taxable: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  });
}

export type SavedItemInput = z.output<ReturnType<typeof savedItemFormSchema>>;
