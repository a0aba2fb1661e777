// Dashboard figures, computed in Postgres with indexed aggregate queries (see BENCHMARKS.md).
import { prisma } from "~/utils/db.server";

export async function dashboardStats(businessId: string, today: string, timeZone: string) {
  // Both sums in one statement, run beside the activity query: one round trip of aggregates, each an
  // index-only scan of a covering index (see BENCHMARKS.md). Every sum is bigint arithmetic: a
  // business's totals may pass 2^31 cents even though each invoice stays far below it.
  // today is the business's local date (YYYY-MM-DD); comparing it as a date keeps the answer
  // independent of the database session's time zone.
  // The month runs from local midnight on the 1st to local midnight on the 1st of the next month, in
  // the business's time zone. receivedAt is stored as UTC without a zone, so the bounds are too; a
  // payment dated next month (a post-dated check) is not "paid this month".
  const [[figures], activity] = await Promise.all([
    prisma.$queryRaw<{ outstanding: bigint | null; overdue: bigint | null; open_count: bigint; overdue_count: bigint; paid: bigint | null }[]>`
      SELECT open_invoices.*, paid.paid FROM
        (SELECT COALESCE(SUM("totalCents"::bigint - "amountPaidCents"), 0) AS outstanding,
                COALESCE(SUM("totalCents"::bigint - "amountPaidCents") FILTER (WHERE "dueDate" < ${today}::date), 0) AS overdue,
                COUNT(*) AS open_count,
                COUNT(*) FILTER (WHERE "dueDate" < ${today}::date) AS overdue_count
         FROM "Invoice"
         WHERE "businessId" = ${businessId} AND status IN ('SENT', 'VIEWED', 'PARTIALLY_PAID')) AS open_invoices,
        (SELECT COALESCE(SUM("amountCents"::bigint), 0) AS paid FROM "Payment"
         WHERE "businessId" = ${businessId} AND status = 'SUCCEEDED'
           AND "receivedAt" >= ((date_trunc('month', ${today}::timestamp) AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC')
           AND "receivedAt" < (((date_trunc('month', ${today}::timestamp) + interval '1 month') AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC')) AS paid`,
    prisma.activityEvent.findMany({
      where: { businessId },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { id: true, type: true, message: true, createdAt: true, invoiceId: true, estimateId: true },
    }),
  ]);
  return {
    outstandingCents: Number(figures.outstanding ?? 0),
    overdueCents: Number(figures.overdue ?? 0),
    openCount: Number(figures.open_count),
    overdueCount: Number(figures.overdue_count),
    paidThisMonthCents: Number(figures.paid ?? 0),
    activity,
  };
}
