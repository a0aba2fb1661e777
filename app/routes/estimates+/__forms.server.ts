// Schemas of the estimate page's buttons and the estimate list's filters. Server only: zod stays out of
// the browser (issue 17).
import { z } from "zod";

/** The page's buttons: each posts its intent and nothing else. */
export const EstimatePageSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("send") }),
  z.object({ intent: z.literal("mark-sent") }),
  z.object({ intent: z.literal("convert") }),
  z.object({ intent: z.literal("void") }),
]);

export const FilterSchema = z.object({
  status: z.enum(["DRAFT", "SENT", "VIEWED", "APPROVED", "DECLINED", "VOID"]).optional().catch(undefined),
  before: z.coerce.number().int().positive().max(2_000_000_000).optional().catch(undefined),
});
