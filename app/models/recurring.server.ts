// Recurring invoices: a schedule copies a template invoice every N weeks or months until an end date
// or a count runs out, and optionally emails each copy. The recurring-invoices cron job runs the due
// schedules; each period is one transaction with the schedule row locked, and (schedule, period) is
// unique on Invoice, so two instances or a rerun never make a second invoice for a period. After
// downtime each missed period gets its one invoice, dated for that period.
import type { Prisma, RecurringFrequency } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { addDays, dateOnly, todayIn, toDateString } from "~/utils/dates";
import { invoiceLabel, recordActivity } from "./activity.server";
import type { InvoiceInput } from "./document-input";
import { DomainError, notFound } from "./errors.server";
import { createInvoice, LOCKING_TRANSACTION, sendInvoiceInTx } from "./invoice.server";
import { assertCanWrite, readOnlyBusinessIds } from "./subscription.server";
import type { RecurringForm } from "./recurring-form";

type Tx = Prisma.TransactionClient;

// The form schema lives in recurring-form.ts (the browser validates with it too).
export { type RecurringForm, RecurringFormSchema } from "./recurring-form";

/** The period after `date`: N weeks later, or N months later on the start's day (clamped to the month's end). */
export function nextPeriod(date: string, frequency: RecurringFrequency, interval: number, anchorDay: number) {
  if (frequency === "WEEKLY") return addDays(date, 7 * interval);
  const d = dateOnly(date);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + interval;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return toDateString(new Date(Date.UTC(year, month, Math.min(anchorDay, lastDay))));
}

export async function createSchedule(businessId: string, templateInvoiceId: string, form: RecurringForm) {
  const template = await prisma.invoice.findFirst({
    where: { id: templateInvoiceId, businessId },
    select: { id: true, customerId: true, number: true, status: true },
  });
  if (!template) notFound("Invoice not found");
  if (template.status === "VOID") throw new DomainError("A void invoice cannot be repeated.");
  return prisma.$transaction(async (tx) => {
    await assertCanWrite(businessId, { tx });
    const schedule = await tx.recurringSchedule.create({
      data: {
        businessId,
        customerId: template.customerId,
        templateInvoiceId: template.id,
        frequency: form.frequency,
        interval: form.interval,
        startOn: dateOnly(form.startOn),
        nextRunOn: dateOnly(form.startOn),
        endOn: form.ends === "on" && form.endOn ? dateOnly(form.endOn) : null,
        remainingCount: form.ends === "after" ? (form.count ?? null) : null,
        autoSend: form.autoSend,
      },
    });
    await recordActivity(tx, {
      businessId,
      type: "recurring.created",
      message: `Invoice ${await invoiceLabel(tx, businessId, template.number)} repeats ${describeSchedule(schedule)}`,
      invoiceId: template.id,
      customerId: template.customerId,
    });
    return schedule;
  });
}

export function describeSchedule(s: { frequency: RecurringFrequency; interval: number }) {
  const unit = s.frequency === "WEEKLY" ? "week" : "month";
  return s.interval === 1 ? `every ${unit}` : `every ${s.interval} ${unit}s`;
}

export function listSchedules(businessId: string) {
  return prisma.recurringSchedule.findMany({
    where: { businessId },
    orderBy: [{ active: "desc" }, { nextRunOn: "asc" }],
    include: {
      customer: { select: { id: true, name: true } },
      templateInvoice: { select: { id: true, number: true, totalCents: true, currency: true } },
      _count: { select: { invoices: true } },
    },
  });
}

export async function stopSchedule(businessId: string, id: string) {
  const updated = await prisma.recurringSchedule.updateMany({ where: { id, businessId }, data: { active: false } });
  if (!updated.count) notFound("Schedule not found");
}

/** The template invoice as form input for a new period. */
async function inputForPeriod(tx: Tx, templateId: string, customerId: string, period: string): Promise<InvoiceInput> {
  const t = await tx.invoice.findUniqueOrThrow({ where: { id: templateId }, include: { lines: { orderBy: { position: "asc" } } } });
  const termDays = Math.round((t.dueDate.getTime() - t.issueDate.getTime()) / 86_400_000);
  return {
    customerId,
    issueDate: period,
    dueDate: addDays(period, Math.max(0, termDays)),
    taxMode: t.taxMode,
    taxRate: t.taxRate,
    discountType: t.discountType,
    discountValue: t.discountValue,
    depositCents: t.depositCents,
    notes: t.notes,
    terms: t.terms,
    lines: t.lines.map((l) => ({ description: l.description, quantityMilli: l.quantityMilli, unitPriceCents: l.unitPriceCents, taxRate: l.taxRate })),
  };
}

type RecurringRun = { invoices: number; sent: number; finished: number };

/** Runs one due period of one schedule, under its row lock. Returns what happened, or null when nothing was due. */
async function runOnePeriod(scheduleId: string, now: Date): Promise<"created" | "sent" | "finished" | null> {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "RecurringSchedule" WHERE id = ${scheduleId} FOR UPDATE`;
    const s = await tx.recurringSchedule.findUniqueOrThrow({ where: { id: scheduleId }, include: { business: { select: { timeZone: true } } } });
    const period = toDateString(s.nextRunOn);
    if (!s.active || period > todayIn(s.business.timeZone, now)) return null;
    if ((s.endOn && period > toDateString(s.endOn)) || s.remainingCount === 0) {
      await tx.recurringSchedule.update({ where: { id: s.id }, data: { active: false } });
      return "finished";
    }
    const input = await inputForPeriod(tx, s.templateInvoiceId, s.customerId, period);
    const invoice = await createInvoice(s.businessId, input, { tx, recurring: { scheduleId: s.id, period } });
    let sent = false;
    if (s.autoSend) {
      const customer = await tx.customer.findUniqueOrThrow({ where: { id: s.customerId }, select: { email: true } });
      if (customer.email) {
        await sendInvoiceInTx(tx, s.businessId, invoice.id);
        sent = true;
      }
    }
    const remaining = s.remainingCount === null ? null : s.remainingCount - 1;
    await tx.recurringSchedule.update({
      where: { id: s.id },
      data: {
        nextRunOn: dateOnly(nextPeriod(period, s.frequency, s.interval, s.startOn.getUTCDate())),
        remainingCount: remaining,
        active: remaining !== 0,
        lastRunAt: now,
      },
    });
    return sent ? "sent" : "created";
  }, LOCKING_TRANSACTION);
}

/** Every schedule that is due at `now`, one invoice per missed period. */
export async function runRecurringSchedules(options: { now?: Date; maxPeriodsPerSchedule?: number } = {}): Promise<RecurringRun> {
  const now = options.now ?? new Date();
  const latestToday = dateOnly(toDateString(new Date(now.getTime() + 86_400_000)));
  const due = await prisma.recurringSchedule.findMany({
    where: { active: true, nextRunOn: { lte: latestToday } },
    select: { id: true, businessId: true },
    orderBy: { nextRunOn: "asc" },
  });
  // Read-only accounts (subscription unpaid or ended) get no new invoices; their schedules stay due and
  // run again once the account is paid for.
  const readOnly = await readOnlyBusinessIds(
    due.map((d) => d.businessId),
    now,
  );
  const run: RecurringRun = { invoices: 0, sent: 0, finished: 0 };
  for (const { id } of due.filter((d) => !readOnly.has(d.businessId))) {
    try {
      for (let i = 0; i < (options.maxPeriodsPerSchedule ?? 120); i++) {
        const outcome = await runOnePeriod(id, now);
        if (!outcome) break;
        if (outcome === "finished") {
          run.finished++;
          break;
        }
        run.invoices++;
        if (outcome === "sent") run.sent++;
      }
    } catch (error) {
      // One schedule that cannot run (its customer was archived, …) must not hold up the schedules after
      // it. Its failed period rolled back; it stays due and is retried on the next run.
      logger.error({ err: error, scheduleId: id }, "recurring schedule failed; skipped until the next run");
    }
  }
  return run;
}
