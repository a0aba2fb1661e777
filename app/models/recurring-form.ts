// The "Repeat this invoice" form's one schema (the invoice page's action, its markup and the browser's
// validation); the schedules themselves are in recurring.server.ts.
import { z } from "zod";
import { DateString } from "~/utils/schemas";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** One schema for the "Repeat this invoice" form (loader defaults, action, markup). */
export const RecurringFormSchema = z
  .object({
    frequency: z.enum(["WEEKLY", "MONTHLY"], { error: "Choose weekly or monthly" }),
    interval: z.coerce.number({ error: "Enter how often" }).int("Whole numbers only").min(1, "At least 1").max(12, "At most 12"),
    startOn: DateString,
    ends: z.enum(["never", "on", "after"]).default("never"),
    endOn: z.preprocess(blankToUndefined, DateString.optional()),
    count: z.preprocess(blankToUndefined, z.coerce.number().int("Whole numbers only").min(1, "At least 1").max(120, "At most 120").optional()),
    autoSend: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).default(false),
  })
  .superRefine((v, ctx) => {
    if (v.ends === "on" && !v.endOn) ctx.addIssue({ code: "custom", path: ["endOn"], message: "Choose the last date" });
    if (v.ends === "on" && v.endOn && v.endOn < v.startOn) ctx.addIssue({ code: "custom", path: ["endOn"], message: "Must be on or after the first date" });
    if (v.ends === "after" && v.count === undefined) ctx.addIssue({ code: "custom", path: ["count"], message: "Enter how many invoices" });
  });
export type RecurringForm = z.infer<typeof RecurringFormSchema>;
