// Overdue reminders (the overdue-reminders cron job). Each business chooses its stages in days past
// due (default 1, 7 and 14) or turns reminders off. An invoice gets one email per stage at most: the
// stage is claimed with a conditional UPDATE (lastReminderStage < stage) in the same transaction that
// queues the email, and the email's dedupe key "reminder:<invoiceId>:<stage>" is unique. After downtime
// only the latest stage reached is sent, never a burst of the ones missed.
import { overdueReminderEmail } from "~/emails/overdue-reminder.server";
import { prisma } from "~/utils/db.server";
import { queueEmail, queueEmails, type QueuedEmail } from "~/utils/email.server";
import { formatMoney } from "~/utils/money";
import { loadEmailBrand, loadEmailBrands } from "./branding.server";
import { dateOnly, todayIn, toDateString } from "./document-form";
import { recordActivity } from "./activity.server";
import type { ReminderSettingsInput } from "./business-form";
import { DomainError, notFound } from "./errors.server";
import { balanceCents, displayStatus, formatInvoiceNumber, LOCKING_TRANSACTION } from "./invoice.server";
import { signedUrl } from "./signed-link.server";
import { readOnlyBusinessIds } from "./subscription.server";

type Candidate = {
  id: string;
  businessId: string;
  customerId: string;
  number: number;
  dueDate: Date;
  totalCents: number;
  amountPaidCents: number;
  currency: string;
  lastReminderStage: number;
  sentAt: Date | null;
  timeZone: string;
  reminderDays: number[];
  businessName: string;
  invoicePrefix: string;
  email: string;
  customerName: string;
};

const DAY_MS = 86_400_000;

/** Days between two YYYY-MM-DD dates. */
const daysBetween = (from: string, to: string) => Math.round((dateOnly(to).getTime() - dateOnly(from).getTime()) / DAY_MS);

/** The stage due now for an invoice, or null: the largest configured day count it has reached. */
export function dueStage(input: { dueDate: string; today: string; reminderDays: number[]; lastReminderStage: number; sentOn: string | null }) {
  const overdue = daysBetween(input.dueDate, input.today);
  const reached = input.reminderDays.filter((d) => d > 0 && d <= overdue);
  if (!reached.length) return null;
  const stage = Math.max(...reached);
  if (stage <= input.lastReminderStage) return null;
  // The contractor sent it by hand today: no automatic nudge on top of that.
  if (input.sentOn === input.today) return null;
  return { stage, overdue };
}

export type ReminderRun = { scanned: number; queued: number; batches: number };

/**
 * Queues every reminder due at `now`, in batches (one transaction each, so a crash loses no more than
 * the batch in flight, and a rerun continues where it stopped).
 */
export async function sendOverdueReminders(options: { now?: Date; batchSize?: number } = {}): Promise<ReminderRun> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 500;
  // Every zone's today is within a day of UTC's: narrow in SQL, decide per business in code.
  const latestToday = toDateString(new Date(now.getTime() + DAY_MS));
  const run: ReminderRun = { scanned: 0, queued: 0, batches: 0 };
  let cursor = "";
  for (;;) {
    const rows = await prisma.$queryRaw<Candidate[]>`
      SELECT i.id, i."businessId", i."customerId", i.number, i."dueDate", i."totalCents", i."amountPaidCents", i.currency,
             i."lastReminderStage", i."sentAt", b."timeZone", b."reminderDays", b.name AS "businessName", b."invoicePrefix",
             c.email, c.name AS "customerName"
        FROM "Invoice" i
        JOIN "Business" b ON b.id = i."businessId"
        JOIN "Customer" c ON c.id = i."customerId"
       WHERE i.status IN ('SENT', 'VIEWED', 'PARTIALLY_PAID')
         AND i."dueDate" < ${latestToday}::date
         AND b."remindersEnabled"
         AND c.email IS NOT NULL
         AND i."lastReminderStage" < (SELECT coalesce(max(d), 0) FROM unnest(b."reminderDays") d)
         AND i.id > ${cursor}
       ORDER BY i.id
       LIMIT ${batchSize}`;
    if (!rows.length) break;
    cursor = rows[rows.length - 1].id;
    run.scanned += rows.length;
    // Read-only accounts send no reminders; their stages stay unclaimed until the account is paid for.
    const readOnly = await readOnlyBusinessIds(rows.map((r) => r.businessId), now);
    const due = rows.filter((row) => !readOnly.has(row.businessId)).flatMap((row) => {
      const today = todayIn(row.timeZone, now);
      const stage = dueStage({
        dueDate: toDateString(row.dueDate),
        today,
        reminderDays: row.reminderDays,
        lastReminderStage: row.lastReminderStage,
        sentOn: row.sentAt ? todayIn(row.timeZone, row.sentAt) : null,
      });
      return stage ? [{ row, ...stage }] : [];
    });
    if (due.length) {
      run.queued += await queueBatch(due);
      run.batches++;
    }
    if (rows.length < batchSize) break;
  }
  return run;
}

async function queueBatch(due: { row: Candidate; stage: number; overdue: number }[]) {
  return prisma.$transaction(async (tx) => {
    // Claim the stages: only rows still below their stage (and still open) are updated and returned.
    const claimed = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "Invoice" AS i SET "lastReminderStage" = v.stage, "lastReminderAt" = now()
        FROM unnest(${due.map((d) => d.row.id)}::text[], ${due.map((d) => d.stage)}::int[]) AS v(id, stage)
       WHERE i.id = v.id AND i."lastReminderStage" < v.stage AND i.status IN ('SENT', 'VIEWED', 'PARTIALLY_PAID')
      RETURNING i.id`;
    const ids = new Set(claimed.map((c) => c.id));
    const won = due.filter((d) => ids.has(d.row.id));
    const brands = await loadEmailBrands(won.map((d) => d.row.businessId), tx);
    const emails: QueuedEmail[] = won.map(({ row, stage, overdue }) => ({
      businessId: row.businessId,
      to: row.email,
      template: "overdue-reminder",
      dedupeKey: `reminder:${row.id}:${stage}`,
      invoiceId: row.id,
      ...overdueReminderEmail({
        businessName: row.businessName,
        customerName: row.customerName,
        invoiceNumber: formatInvoiceNumber(row.invoicePrefix, row.number),
        balance: formatMoney(Math.max(0, row.totalCents - row.amountPaidCents), row.currency),
        dueDate: toDateString(row.dueDate),
        daysOverdue: overdue,
        url: signedUrl("pay", row.id),
        brand: brands.get(row.businessId),
      }),
    }));
    const queued = await queueEmails(tx, emails, { perJob: 25 });
    await tx.activityEvent.createMany({
      data: won.map(({ row, overdue }) => ({
        businessId: row.businessId,
        type: "invoice.reminder",
        message: `Reminder sent for invoice ${formatInvoiceNumber(row.invoicePrefix, row.number)} (${overdue} day${overdue === 1 ? "" : "s"} overdue)`,
        invoiceId: row.id,
        customerId: row.customerId,
      })),
    });
    return queued.length;
  }, LOCKING_TRANSACTION);
}

/** Settings → Reminders: whether overdue reminders are on, and on which days after the due date. */
export async function getReminderSettings(businessId: string) {
  const business = await prisma.business.findUnique({ where: { id: businessId }, select: { remindersEnabled: true, reminderDays: true } });
  return business ?? notFound("Business not found");
}

/** Settings → Reminders: turn overdue reminders on or off and choose their days. */
export async function updateReminderSettings(businessId: string, input: ReminderSettingsInput) {
  await prisma.business.update({ where: { id: businessId }, data: { remindersEnabled: input.remindersEnabled, reminderDays: input.reminderDays } });
}

export type ReminderNowResult = { status: "queued"; to: string } | { status: "already-today" };

/**
 * "Send reminder now" on an overdue invoice (issue 14): one reminder email, queued through the same email
 * path as the scheduled ones. At most one a day per invoice, however often the button is pressed: the dedupe
 * key names the invoice and the business's today. The scheduled stages are left as they are.
 */
export async function sendReminderNow(businessId: string, invoiceId: string, now = new Date()): Promise<ReminderNowResult> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Invoice" WHERE id = ${invoiceId} AND "businessId" = ${businessId} FOR UPDATE`;
    if (!rows.length) notFound("Invoice not found");
    const invoice = await tx.invoice.findUniqueOrThrow({
      where: { id: invoiceId },
      include: { customer: { select: { name: true, email: true } }, business: { select: { name: true, invoicePrefix: true, timeZone: true } } },
    });
    const today = todayIn(invoice.business.timeZone, now);
    if (displayStatus(invoice, today) !== "OVERDUE") throw new DomainError("Only an overdue invoice gets a reminder.");
    if (!invoice.customer.email) throw new DomainError("Add an email address to the customer first.");
    const overdue = Math.round((dateOnly(today).getTime() - invoice.dueDate.getTime()) / DAY_MS);
    const id = await queueEmail(tx, {
      businessId,
      to: invoice.customer.email,
      template: "overdue-reminder",
      dedupeKey: `reminder-now:${invoice.id}:${today}`,
      invoiceId: invoice.id,
      ...overdueReminderEmail({
        businessName: invoice.business.name,
        customerName: invoice.customer.name,
        invoiceNumber: formatInvoiceNumber(invoice.business.invoicePrefix, invoice.number),
        balance: formatMoney(balanceCents(invoice), invoice.currency),
        dueDate: toDateString(invoice.dueDate),
        daysOverdue: overdue,
        url: signedUrl("pay", invoice.id, now),
        brand: await loadEmailBrand(businessId, tx),
      }),
    });
    if (!id) return { status: "already-today" as const };
    await tx.invoice.update({ where: { id: invoice.id }, data: { lastReminderAt: now } });
    await recordActivity(tx, {
      businessId,
      type: "invoice.reminder",
      message: `Reminder sent by hand for invoice #${invoice.number} (${overdue} day${overdue === 1 ? "" : "s"} overdue)`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    });
    return { status: "queued" as const, to: invoice.customer.email };
  });
}
