// Overdue reminders (the overdue-reminders cron job). Each business chooses its stages in days past
// due (default 1, 7 and 14) or turns reminders off. An invoice gets one email per stage at most: the
// stage is claimed with a conditional UPDATE (lastReminderStage < stage) in the same transaction that
// queues the email, and the email's dedupe key "reminder:<invoiceId>:<stage>" is unique. After downtime
// only the latest stage reached is sent, never a burst of the ones missed.
import { overdueReminderEmail } from "~/emails/overdue-reminder.server";
import { prisma } from "~/utils/db.server";
import { Prisma } from "~/generated/prisma/client.ts";
import { POSTMARK_BATCH_LIMIT, queueEmail, queueEmails, type QueuedEmail } from "~/utils/email.server";
import { addJobs } from "~/utils/jobs.server";
import { newRowId } from "~/utils/row-id.server";
import { formatMoney } from "~/utils/money";
import { dateOnly, todayIn, toDateString } from "~/utils/dates";
import { loadEmailBrand, loadEmailBrands } from "./branding.server";
import { recordActivity } from "./activity.server";
import type { ReminderSettingsInput } from "./business-form";
import { DomainError, notFound } from "./errors.server";
import { formatInvoiceNumber } from "./document-numbers";
import { balanceCents, displayStatus, LOCKING_TRANSACTION } from "./invoice.server";
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

type ReminderRun = { scanned: number; queued: number; batches: number };

/** The coarse test for "a reminder may be due", shared by the plan and the queueing (the exact stage is decided per row). */
const candidateFilter = (latestToday: string) => Prisma.sql`
       i.status IN ('SENT', 'VIEWED', 'PARTIALLY_PAID')
   AND i."dueDate" < ${latestToday}::date
   AND b."remindersEnabled"
   AND c.email IS NOT NULL
   AND i."lastReminderStage" < (SELECT coalesce(max(d), 0) FROM unnest(b."reminderDays") d)`;

/** Every zone's today is within a day of UTC's: narrow in SQL, decide per business in code. */
const latestTodayAt = (now: Date) => toDateString(new Date(now.getTime() + DAY_MS));

type ReminderPlan = { businesses: number; candidates: number; chunks: string[][] };

/**
 * The overdue-reminders cron run: which businesses may have reminders due at `now`, packed into
 * chunks of about `perChunk` candidate invoices (a business is never split), each queued by its own
 * queue-reminders job so both cores and every worker share the work. Read-only accounts are left out.
 */
export async function planOverdueReminders(options: { now?: Date; perChunk?: number; maxBusinessesPerChunk?: number } = {}): Promise<ReminderPlan> {
  const now = options.now ?? new Date();
  const perChunk = options.perChunk ?? 2_000;
  const maxBusinesses = options.maxBusinessesPerChunk ?? 200;
  const rows = await prisma.$queryRaw<{ businessId: string; candidates: number }[]>`
    SELECT i."businessId", count(*)::int AS candidates
      FROM "Invoice" i
      JOIN "Business" b ON b.id = i."businessId"
      JOIN "Customer" c ON c.id = i."customerId"
     WHERE ${candidateFilter(latestTodayAt(now))}
     GROUP BY i."businessId"
     ORDER BY i."businessId"`;
  const readOnly = await readOnlyBusinessIds(
    rows.map((r) => r.businessId),
    now,
  );
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let size = 0;
  let candidates = 0;
  let businesses = 0;
  for (const row of rows) {
    if (readOnly.has(row.businessId)) continue;
    if (chunk.length && (size + row.candidates > perChunk || chunk.length >= maxBusinesses)) {
      chunks.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(row.businessId);
    size += row.candidates;
    candidates += row.candidates;
    businesses++;
  }
  if (chunk.length) chunks.push(chunk);
  return { businesses, candidates, chunks };
}

/**
 * Plans the run and adds one queue-reminders job per chunk. Each job's key names its first and last
 * business, so a later run re-planning the same businesses replaces a job still waiting instead of
 * adding a second; a second job for the same invoices would find their stages claimed anyway.
 */
export async function scheduleOverdueReminders(options: { now?: Date } = {}): Promise<ReminderPlan> {
  const now = options.now ?? new Date();
  const plan = await planOverdueReminders({ now });
  if (plan.chunks.length) {
    await prisma.$transaction((tx) =>
      addJobs(
        tx,
        plan.chunks.map((businessIds) => ({
          task: "queue-reminders",
          payload: { now: now.toISOString(), businessIds },
          jobKey: `queue-reminders:${businessIds[0]}:${businessIds[businessIds.length - 1]}`,
          maxAttempts: 5,
        })),
      ),
    );
  }
  return plan;
}

/**
 * Queues every reminder due at `now` (of these businesses only, when given), in batches (one
 * transaction each, so a crash loses no more than the batch in flight, and a rerun continues where it
 * stopped). Batches follow business order, so one business's reminders share send jobs.
 */
export async function sendOverdueReminders(options: { now?: Date; batchSize?: number; businessIds?: string[] } = {}): Promise<ReminderRun> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 500;
  const latestToday = latestTodayAt(now);
  const run: ReminderRun = { scanned: 0, queued: 0, batches: 0 };
  const onlyBusinesses = options.businessIds ? Prisma.sql`AND i."businessId" = ANY(${options.businessIds}::text[])` : Prisma.empty;
  let cursor = { businessId: "", id: "" };
  for (;;) {
    const rows = await prisma.$queryRaw<Candidate[]>`
      SELECT i.id, i."businessId", i."customerId", i.number, i."dueDate", i."totalCents", i."amountPaidCents", i.currency,
             i."lastReminderStage", i."sentAt", b."timeZone", b."reminderDays", b.name AS "businessName", b."invoicePrefix",
             c.email, c.name AS "customerName"
        FROM "Invoice" i
        JOIN "Business" b ON b.id = i."businessId"
        JOIN "Customer" c ON c.id = i."customerId"
       WHERE ${candidateFilter(latestToday)}
         ${onlyBusinesses}
         AND (i."businessId", i.id) > (${cursor.businessId}, ${cursor.id})
       ORDER BY i."businessId", i.id
       LIMIT ${batchSize}`;
    if (!rows.length) break;
    const last = rows[rows.length - 1];
    cursor = { businessId: last.businessId, id: last.id };
    run.scanned += rows.length;
    // Read-only accounts send no reminders; their stages stay unclaimed until the account is paid for.
    const readOnly = await readOnlyBusinessIds(
      rows.map((r) => r.businessId),
      now,
    );
    const due = rows
      .filter((row) => !readOnly.has(row.businessId))
      .flatMap((row) => {
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
    const brands = await loadEmailBrands(
      won.map((d) => d.row.businessId),
      tx,
    );
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
    // One send job per business in this batch: one Postmark batch call each.
    const queued = await queueEmails(tx, emails, { perJob: POSTMARK_BATCH_LIMIT });
    const events = won.map(({ row, overdue }) => ({
      id: newRowId(),
      businessId: row.businessId,
      type: "invoice.reminder",
      message: `Reminder sent for invoice ${formatInvoiceNumber(row.invoicePrefix, row.number)} (${overdue} day${overdue === 1 ? "" : "s"} overdue)`,
      invoiceId: row.id,
      customerId: row.customerId,
    }));
    if (events.length) {
      await tx.$executeRaw`
        INSERT INTO "ActivityEvent" (id, "businessId", type, message, "invoiceId", "customerId")
        SELECT id, "businessId", type, message, "invoiceId", "customerId"
          FROM json_to_recordset(${JSON.stringify(events)}::json) AS x(id text, "businessId" text, type text, message text, "invoiceId" text, "customerId" text)`;
    }
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

type ReminderNowResult = { status: "queued"; to: string } | { status: "already-today" };

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
