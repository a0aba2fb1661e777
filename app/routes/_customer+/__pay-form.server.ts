// The pay page's form schema. Server only: the page ships no JavaScript, and zod must not be in any
// browser chunk either (esbuild's code splitting would make other pages load it; issue 17).
import { z } from "zod";

/** One schema for the pay form: which provider and which amount; never an amount itself. */
export const PayFormSchema = z.object({
  // Empty or missing link parts fall through to the link check (401), as a bad signature does.
  t: z.string().max(64).default(""),
  d: z.string().max(16).default(""),
  provider: z.enum(["stripe", "paypal"]),
  amount: z.enum(["deposit", "balance"]).default("balance"),
});
