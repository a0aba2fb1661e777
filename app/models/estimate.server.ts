// Estimates: same line items and totals as invoices; sent to the customer on a signed link, approved
// or declined there, and converted into an invoice once (the unique Invoice.estimateId guarantees it).
import type { Prisma } from "~/generated/prisma/client.ts";
import { estimateSentEmail } from "~/emails/estimate-sent.server";
import { prisma } from "~/utils/db.server";
import { sendEmail } from "~/utils/email.server";
import { formatMoney } from "~/utils/money";
import { addDays, dateOnly, todayIn, toDateString } from "~/utils/dates";
import { loadEmailBrand } from "./branding.server";
import { estimateLabel, invoiceLabel, recordActivity } from "./activity.server";
import type { EstimateInput, InvoiceInput } from "./document-input";
import { queueEstimateDecisionNotice } from "./contractor-notices.server";
import { lineCounts, totalsWithChoices } from "./estimate-options";
import { assertUnchanged, DomainError, notFound } from "./errors.server";
import { formatEstimateNumber } from "./document-numbers";
import { createInvoice, LOCKING_TRANSACTION, takeDocumentNumber, viewIsFresh } from "./invoice.server";
import { linkProblem, signedUrl, verifyLink } from "./signed-link.server";
import { assertCanWrite } from "./subscription.server";
import { documentCustomer, documentRows } from "./document.server";
import { isUniqueViolation } from "./user.server";

type Tx = Prisma.TransactionClient;

const EDITABLE = ["DRAFT", "SENT", "VIEWED", "DECLINED"] as const;

/** Why an estimate in this status cannot be edited, or null when it can. */
export function estimateEditBlockedReason(status: string) {
  if ((EDITABLE as readonly string[]).includes(status)) return null;
  if (status === "APPROVED") return "An approved estimate cannot be edited. Convert it to an invoice and edit that instead.";
  if (status === "VOID") return "A void estimate cannot be edited.";
  return `An estimate that is ${status.toLowerCase()} cannot be edited.`;
}

export async function createEstimate(businessId: string, input: EstimateInput) {
  return prisma.$transaction(async (tx) => {
    await assertCanWrite(businessId, { tx });
    const customer = await documentCustomer(tx, businessId, input.customerId, { active: true });
    const { number, currency, prefix } = await takeDocumentNumber(tx, businessId, "estimate");
    const { lines, columns } = documentRows(businessId, input);
    const estimate = await tx.estimate.create({
      data: {
        businessId,
        customerId: customer.id,
        number,
        currency,
        ...columns,
        validUntil: input.validUntil ? dateOnly(input.validUntil) : null,
        lines: { createMany: { data: withOptionalFlags(lines, input) } },
      },
      select: { id: true, number: true },
    });
    await recordActivity(tx, {
      businessId,
      type: "estimate.created",
      message: `Estimate ${formatEstimateNumber(prefix, number)} created for ${customer.name}`,
      estimateId: estimate.id,
      customerId: customer.id,
    });
    return estimate;
  }, LOCKING_TRANSACTION);
}

/** The estimate's line rows with the optional flag from the form; optional lines start unchosen. */
function withOptionalFlags<T extends object>(lines: T[], input: EstimateInput) {
  return lines.map((line, i) => ({ ...line, optional: Boolean(input.lines[i].optional), selected: false }));
}

async function lockEstimate(tx: Tx, businessId: string, id: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Estimate" WHERE id = ${id} AND "businessId" = ${businessId} FOR UPDATE`;
  if (!rows.length) notFound("Estimate not found");
  return tx.estimate.findUniqueOrThrow({
    where: { id },
    include: { lines: { orderBy: { position: "asc" } }, invoice: { select: { id: true } }, customer: true },
  });
}

export async function updateEstimate(businessId: string, id: string, input: EstimateInput, options: { expectedUpdatedAt?: Date } = {}) {
  return prisma.$transaction(async (tx) => {
    const current = await lockEstimate(tx, businessId, id);
    assertUnchanged(current, options.expectedUpdatedAt);
    const blocked = estimateEditBlockedReason(current.status);
    if (blocked) throw new DomainError(blocked);
    const customer = await documentCustomer(tx, businessId, input.customerId, { active: true });
    const { lines, columns } = documentRows(businessId, input);
    await tx.estimateLine.deleteMany({ where: { estimateId: id, businessId } });
    await tx.estimateLine.createMany({ data: withOptionalFlags(lines, input).map((l) => ({ ...l, estimateId: id })) });
    await tx.estimate.update({
      where: { id },
      data: {
        customerId: customer.id,
        ...columns,
        validUntil: input.validUntil ? dateOnly(input.validUntil) : null,
        // A changed estimate needs a fresh decision from the customer.
        status: current.status === "DECLINED" ? "DRAFT" : current.status,
        declinedAt: null,
        approvedByName: null,
        approvedIp: null,
        approvedUserAgent: null,
      },
    });
    await recordActivity(tx, {
      businessId,
      type: "estimate.updated",
      message: `Estimate ${await estimateLabel(tx, businessId, current.number)} edited`,
      estimateId: id,
      customerId: customer.id,
    });
  });
}

export async function getEstimate(businessId: string, id: string) {
  const estimate = await prisma.estimate.findFirst({
    where: { id, businessId },
    include: {
      lines: { orderBy: { position: "asc" } },
      customer: true,
      invoice: { select: { id: true, number: true } },
      business: { select: { name: true, estimatePrefix: true, invoicePrefix: true, timeZone: true } },
    },
  });
  return estimate ?? notFound("Estimate not found");
}

export async function listEstimates(businessId: string, options: { status?: string; before?: number; limit?: number } = {}) {
  const limit = Math.min(options.limit ?? 25, 100);
  const rows = await prisma.estimate.findMany({
    where: {
      businessId,
      ...(options.status ? { status: options.status as never } : {}),
      ...(options.before ? { number: { lt: options.before } } : {}),
    },
    orderBy: { number: "desc" },
    take: limit + 1,
    select: {
      id: true,
      number: true,
      status: true,
      issueDate: true,
      totalCents: true,
      currency: true,
      customer: { select: { id: true, name: true } },
      invoice: { select: { id: true } },
    },
  });
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  return { estimates: page, nextCursor: hasMore ? page[page.length - 1].number : null };
}

/** Emails the customer a signed link to the estimate and marks it sent. */
export async function sendEstimate(businessId: string, id: string) {
  const estimate = await prisma.$transaction(async (tx) => {
    await assertCanWrite(businessId, { tx });
    const current = await lockEstimate(tx, businessId, id);
    if (current.status === "VOID" || current.invoice) throw new DomainError("This estimate can no longer be sent.");
    if (!current.customer.email) throw new DomainError("Add an email address to the customer first.");
    await tx.estimate.update({
      where: { id },
      data: { status: ["DRAFT", "DECLINED"].includes(current.status) ? "SENT" : current.status, sentAt: new Date() },
    });
    await recordActivity(tx, {
      businessId,
      type: "estimate.sent",
      message: `Estimate ${await estimateLabel(tx, businessId, current.number)} sent to ${current.customer.email}`,
      estimateId: id,
      customerId: current.customerId,
    });
    return current;
  });
  const business = await prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { name: true, estimatePrefix: true } });
  await sendEmail({
    businessId,
    to: estimate.customer.email!,
    template: "estimate-sent",
    estimateId: estimate.id,
    ...estimateSentEmail({
      businessName: business.name,
      customerName: estimate.customer.name,
      estimateNumber: formatEstimateNumber(business.estimatePrefix, estimate.number),
      total: formatMoney(estimate.totalCents, estimate.currency),
      url: signedUrl("estimate", estimate.id),
      brand: await loadEmailBrand(businessId),
    }),
  });
}

/** Marks an estimate sent without emailing it: the contractor texts or hands over the link themselves. */
export async function markEstimateSent(businessId: string, id: string) {
  return prisma.$transaction(async (tx) => {
    const current = await lockEstimate(tx, businessId, id);
    if (current.status === "VOID" || current.invoice) throw new DomainError("This estimate can no longer be sent.");
    await tx.estimate.update({
      where: { id },
      data: { status: ["DRAFT", "DECLINED"].includes(current.status) ? "SENT" : current.status, sentAt: new Date() },
    });
    await recordActivity(tx, {
      businessId,
      type: "estimate.sent",
      message: `Estimate ${await estimateLabel(tx, businessId, current.number)} marked as sent`,
      estimateId: id,
      customerId: current.customerId,
    });
    return current;
  });
}

/** For the customer's public page: the estimate with its business, by id alone (the link is already verified). */
/** The estimate behind a signed link; never one of a closed account (closure deletes them too). */
async function getPublicEstimate(id: string) {
  return prisma.estimate.findUnique({
    where: { id, business: { closedAt: null } },
    include: {
      lines: { orderBy: { position: "asc" } },
      customer: { select: { name: true } },
      business: { select: { id: true, name: true, email: true, phone: true, estimatePrefix: true, timeZone: true } },
    },
  });
}

/**
 * The estimate behind a customer's signed link, or the one 401 for a bad signature, an unknown id and a
 * void estimate alike: nothing reveals what exists. The estimate page and its photos use it.
 */
export async function loadEstimateLink(id: string, t: string | null, d: string | null) {
  const check = verifyLink("estimate", id, t, d);
  if (!check.ok) throw linkProblem(check.reason);
  const estimate = await getPublicEstimate(id);
  if (!estimate || estimate.status === "VOID") throw linkProblem("invalid");
  return estimate;
}

/**
 * The customer opened the estimate: the first view moves SENT to VIEWED; later views only move
 * lastViewedAt, at most once a minute (none at all when `seen`, the row already loaded, shows one).
 */
export async function markEstimateViewed(id: string, seen?: { status: string; lastViewedAt: Date | null }) {
  if (viewIsFresh(seen)) return;
  await prisma.$executeRaw`
    UPDATE "Estimate" SET
      "lastViewedAt" = now() AT TIME ZONE 'UTC',
      status = CASE WHEN status = 'SENT' THEN 'VIEWED'::"EstimateStatus" ELSE status END,
      "viewedAt" = CASE WHEN status = 'SENT' THEN now() AT TIME ZONE 'UTC' ELSE "viewedAt" END,
      "updatedAt" = CASE WHEN status = 'SENT' THEN now() AT TIME ZONE 'UTC' ELSE "updatedAt" END
    WHERE id = ${id} AND ("lastViewedAt" IS NULL OR "lastViewedAt" < (now() AT TIME ZONE 'UTC') - interval '1 minute')`;
}

/** What the customer gives when approving: their typed name, where it came from, and the optional lines they ticked. */
export type Approval = { name: string; ip?: string | null; userAgent?: string | null; chosenLineIds?: string[] };

/**
 * The customer's decision. Only a sent (or viewed) estimate can be decided; repeating the same decision is a
 * no-op. Approving records the typed name, time, IP and user agent, marks the ticked optional lines chosen and
 * recomputes the totals over the lines that now count; the contractor is emailed either way.
 */
export async function decideEstimate(id: string, decision: "approve" | "decline", approval?: Approval) {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ businessId: string }[]>`SELECT "businessId" FROM "Estimate" WHERE id = ${id} FOR UPDATE`;
    if (!rows.length) notFound();
    const estimate = await lockEstimate(tx, rows[0].businessId, id);
    const target = decision === "approve" ? "APPROVED" : "DECLINED";
    if (estimate.status === target) return estimate;
    if (!["SENT", "VIEWED"].includes(estimate.status)) throw new DomainError("This estimate is no longer open for a decision.");
    const now = new Date();
    let totalCents = estimate.totalCents;
    if (decision === "approve") {
      const chosen = new Set(approval?.chosenLineIds ?? []);
      const optionalIds = new Set(estimate.lines.filter((l) => l.optional).map((l) => l.id));
      if ([...chosen].some((lineId) => !optionalIds.has(lineId))) throw new DomainError("Choose only from the optional items offered", "options");
      const lines = estimate.lines.map((l) => ({ ...l, selected: l.optional && chosen.has(l.id) }));
      const totals = totalsWithChoices({ ...estimate, lines });
      if (!lines.some(lineCounts)) throw new DomainError("Tick at least one item to approve", "options");
      for (const [i, line] of lines.entries()) {
        if (line.optional || line.taxCents !== totals.lines[i].taxCents) {
          await tx.estimateLine.update({
            where: { id: line.id },
            data: { selected: line.selected, amountCents: totals.lines[i].amountCents, taxCents: totals.lines[i].taxCents },
          });
        }
      }
      totalCents = totals.totalCents;
      await tx.estimate.update({
        where: { id },
        data: {
          status: "APPROVED",
          approvedAt: now,
          approvedByName: approval?.name ?? null,
          approvedIp: approval?.ip?.slice(0, 100) ?? null,
          approvedUserAgent: approval?.userAgent?.slice(0, 300) ?? null,
          subtotalCents: totals.subtotalCents,
          discountCents: totals.discountCents,
          taxCents: totals.taxCents,
          totalCents: totals.totalCents,
        },
      });
    } else {
      await tx.estimate.update({ where: { id }, data: { status: "DECLINED", declinedAt: now } });
    }
    await recordActivity(tx, {
      businessId: estimate.businessId,
      type: `estimate.${target.toLowerCase()}`,
      message: `${estimate.customer.name} ${decision === "approve" ? "approved" : "declined"} estimate ${await estimateLabel(tx, estimate.businessId, estimate.number)}${approval?.name && decision === "approve" ? ` (signed by ${approval.name})` : ""}`,
      estimateId: id,
      customerId: estimate.customerId,
    });
    await queueEstimateDecisionNotice(
      tx,
      { ...estimate, totalCents, customerName: estimate.customer.name, decidedAt: now, signedBy: decision === "approve" ? (approval?.name ?? null) : null },
      decision === "approve" ? "approved" : "declined",
    );
    return estimate;
  });
}

/** Converts an approved estimate into a draft invoice, once; a second call returns the same invoice. */
export async function convertEstimateToInvoice(businessId: string, id: string, userId?: string) {
  try {
    return await prisma.$transaction(async (tx) => {
      const estimate = await lockEstimate(tx, businessId, id);
      if (estimate.invoice) return { id: estimate.invoice.id, created: false };
      if (estimate.status !== "APPROVED") throw new DomainError("Only an approved estimate can become an invoice.");
      const business = await tx.business.findUniqueOrThrow({ where: { id: businessId }, select: { timeZone: true, paymentTermsDays: true } });
      const today = todayIn(business.timeZone);
      const input: InvoiceInput = {
        customerId: estimate.customerId,
        issueDate: today,
        dueDate: addDays(today, business.paymentTermsDays),
        taxMode: estimate.taxMode,
        taxRate: estimate.taxRate,
        discountType: estimate.discountType,
        discountValue: estimate.discountValue,
        depositCents: 0,
        notes: estimate.notes,
        terms: estimate.terms,
        // Only what the customer approved: the required lines and the optional ones they ticked.
        lines: estimate.lines.filter(lineCounts).map((l) => ({
          description: l.description,
          quantityMilli: l.quantityMilli,
          unitPriceCents: l.unitPriceCents,
          taxRate: l.taxRate,
        })),
      };
      const invoice = await createInvoice(businessId, input, { userId, estimateId: id, tx });
      // The job's photos go with it: the invoice gets its own copies (either can then lose one alone).
      await tx.$executeRaw`
        INSERT INTO "JobPhoto" (id, "businessId", "invoiceId", bytes, "mimeType", "byteSize", width, height, "createdAt")
        SELECT 'p' || md5(random()::text || id), "businessId", ${invoice.id}, bytes, "mimeType", "byteSize", width, height, "createdAt"
          FROM "JobPhoto" WHERE "estimateId" = ${id} AND "businessId" = ${businessId}`;
      await recordActivity(tx, {
        businessId,
        type: "estimate.converted",
        message: `Estimate ${await estimateLabel(tx, businessId, estimate.number)} converted to invoice ${await invoiceLabel(tx, businessId, invoice.number)}`,
        estimateId: id,
        invoiceId: invoice.id,
        customerId: estimate.customerId,
      });
      return { id: invoice.id, created: true };
    }, LOCKING_TRANSACTION);
  } catch (error) {
    if (isUniqueViolation(error)) {
      const invoice = await prisma.invoice.findFirst({ where: { estimateId: id, businessId }, select: { id: true } });
      if (invoice) return { id: invoice.id, created: false };
    }
    throw error;
  }
}

export async function voidEstimate(businessId: string, id: string) {
  return prisma.$transaction(async (tx) => {
    const estimate = await lockEstimate(tx, businessId, id);
    if (estimate.invoice) throw new DomainError("This estimate became an invoice; void the invoice instead.");
    await tx.estimate.update({ where: { id }, data: { status: "VOID", voidedAt: new Date() } });
    await recordActivity(tx, {
      businessId,
      type: "estimate.voided",
      message: `Estimate ${await estimateLabel(tx, businessId, estimate.number)} voided`,
      estimateId: id,
      customerId: estimate.customerId,
    });
  });
}

export { toDateString };
