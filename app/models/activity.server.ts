import type { Prisma } from "~/generated/prisma/client.ts";

type Tx = Prisma.TransactionClient;

export type ActivityInput = {
  businessId: string;
  type: string;
  message: string;
  invoiceId?: string | null;
  estimateId?: string | null;
  customerId?: string | null;
};

/** Records what happened, inside the caller's transaction so it commits with the change itself. */
export function recordActivity(tx: Tx, input: ActivityInput) {
  return tx.activityEvent.create({ data: input });
}
