// Dashboard figures, computed in Postgres with indexed aggregate queries (see BENCHMARKS.md).
import { prisma } from "~/utils/db.server";
import { dateOnly } from "./document-form";

export async function dashboardStats(businessId: string, today: string, timeZone: string) {
  const [open] = await prisma.$queryRaw<{ outstanding: bigint | null; overdue: bigint | null; open_count: bigint; overdue_count: bigint }[]>`
    SELECT COALESCE(SUM("totalCents" - "amountPaidCents"), 0) AS outstanding,
           COALESCE(SUM("totalCents" - "amountPaidCents") FILTER (WHERE "dueDate" < ${dateOnly(today)}), 0) AS overdue,
           COUNT(*) AS open_count,
           COUNT(*) FILTER (WHERE "dueDate" < ${dateOnly(today)}) AS overdue_count
    FROM "Invoice"
    WHERE "businessId" = ${businessId} AND status IN ('SENT', 'VIEWED', 'PARTIALLY_PAID')`;
  // The month starts at local midnight on the 1st in the business's time zone.
  const [paid] = await prisma.$queryRaw<{ paid: bigint | null }[]>`
    SELECT COALESCE(SUM("amountCents"), 0) AS paid FROM "Payment"
    WHERE "businessId" = ${businessId} AND status = 'SUCCEEDED'
      AND "receivedAt" >= (date_trunc('month', now() AT TIME ZONE ${timeZone}) AT TIME ZONE ${timeZone})`;
  const activity = await prisma.activityEvent.findMany({
    where: { businessId },
    orderBy: { createdAt: "desc" },
    take: 10,
    select: { id: true, type: true, message: true, createdAt: true, invoiceId: true, estimateId: true },
  });
  return {
    outstandingCents: Number(open.outstanding ?? 0),
    overdueCents: Number(open.overdue ?? 0),
    openCount: Number(open.open_count),
    overdueCount: Number(open.overdue_count),
    paidThisMonthCents: Number(paid.paid ?? 0),
    activity,
  };
}
