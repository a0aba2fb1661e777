// Review requests (the review-requests cron job): after an invoice is paid, when the business turned
// them on and has a review link, the customer is asked once per the business's chosen period
// (default 180 days). The dedupe key "review:<customerId>:<paid invoice id>" and the job's advisory
// lock keep two runs from asking twice.
import { reviewRequestEmail } from "~/emails/review-request.server";
import { prisma } from "~/utils/db.server";
import { queueEmails, type QueuedEmail } from "~/utils/email.server";

/** Invoices paid within this window are considered; older ones are not worth a late request. */
const LOOKBACK_DAYS = 14;

type Candidate = { invoiceId: string; businessId: string; customerId: string; email: string; customerName: string; businessName: string; reviewUrl: string };

export async function sendReviewRequests(options: { now?: Date } = {}) {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000);
  // The newest paid invoice per customer whose business wants reviews, with no request in the period.
  const rows = await prisma.$queryRaw<Candidate[]>`
    SELECT DISTINCT ON (i."customerId") i.id AS "invoiceId", i."businessId", i."customerId", c.email, c.name AS "customerName",
           b.name AS "businessName", b."reviewUrl"
      FROM "Invoice" i
      JOIN "Business" b ON b.id = i."businessId"
      JOIN "Customer" c ON c.id = i."customerId"
     WHERE i.status = 'PAID' AND i."paidAt" >= ${since} AND i."paidAt" <= ${now}
       AND b."reviewRequestsEnabled" AND b."reviewUrl" IS NOT NULL AND c.email IS NOT NULL AND c."archivedAt" IS NULL
       AND NOT EXISTS (
         SELECT 1 FROM "EmailMessage" e JOIN "Invoice" j ON j.id = e."invoiceId"
          WHERE e.template = 'review-request' AND j."customerId" = i."customerId"
            AND e."createdAt" > ${now}::timestamp - make_interval(days => b."reviewRequestPeriodDays"))
     ORDER BY i."customerId", i."paidAt" DESC`;
  const emails: QueuedEmail[] = rows.map((r) => ({
    businessId: r.businessId,
    to: r.email,
    template: "review-request",
    dedupeKey: `review:${r.customerId}:${r.invoiceId}`,
    invoiceId: r.invoiceId,
    ...reviewRequestEmail({ businessName: r.businessName, customerName: r.customerName, reviewUrl: r.reviewUrl }),
  }));
  const queued = await prisma.$transaction((tx) => queueEmails(tx, emails));
  return { queued: queued.length };
}
