// The invoice list's filter schema. Server only: zod stays out of the browser (issue 17).
import { z } from "zod";
import { DateString } from "~/utils/schemas";
import { STATUS_FILTERS } from "./__filters";

// Bad filter values are ignored rather than failing the page: the list is a GET anyone can edit.
export const InvoiceFilterSchema = z.object({
  status: z.enum(STATUS_FILTERS).optional().catch(undefined),
  customerId: z.string().max(64).optional().catch(undefined),
  from: DateString.optional().catch(undefined),
  to: DateString.optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  before: z.coerce.number().int().positive().max(2_000_000_000).optional().catch(undefined),
});
