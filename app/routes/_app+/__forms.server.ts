// The recurring-invoices page's form schema. Server only: zod stays out of the browser (issue 17).
import { z } from "zod";

export const StopSchema = z.object({ intent: z.literal("stop"), scheduleId: z.string().min(1).max(64) });
