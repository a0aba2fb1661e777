// Shared by the invoice and estimate editors: parse the form (list intents included) and turn
// domain errors into field errors, so routes stay a few lines long.
import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import { documentFormSchema } from "~/models/document-form";
import type { DocumentInputOf, DocumentKind } from "~/models/document-input";
import { DomainError } from "~/models/errors.server";
import { prisma } from "./db.server";
import { isPickerIntent, pickerResponse } from "./editor-pickers.server";
import { isQuickLinesIntent, quickLinesResponse } from "./quick-lines-action.server";

type Submission = {
  reply(options?: { fieldErrors?: Record<string, string[]>; formErrors?: string[] }): SubmissionResult<string[]>;
};

export async function parseDocumentForm<K extends DocumentKind>(request: Request, currency: string, kind: K) {
  const formData = await request.formData();
  // "Add lines from text" / "Add lines with AI": fill the form in, save nothing.
  const intent = formData.get("intent");
  // The item and customer pickers (search, add an item, save a line as an item, new customer): same idea.
  if (isPickerIntent(intent)) return { response: await pickerResponse(request, formData, currency, kind, intent) } as const;
  if (isQuickLinesIntent(intent)) return { response: await quickLinesResponse(request, formData, currency, kind, intent) } as const;
  const submission = parseWithZod(formData, { schema: documentFormSchema(currency, kind) });
  if (submission.status !== "success") {
    // A list intent (add/remove line) is not an error: it answers 200 with the re-rendered form.
    return { response: json(submission.reply(), { status: submission.status === "error" ? 400 : 200 }) } as const;
  }
  return { submission, input: submission.value as DocumentInputOf<K> } as const;
}

/** Runs a domain write; a DomainError becomes a 400 with the message on its field (or the form). */
export async function withDomainErrors<T>(submission: Submission, write: () => Promise<T>) {
  try {
    return { ok: true as const, value: await write() };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const reply = error.field
      ? submission.reply({ fieldErrors: { [error.field]: [error.message] } })
      : submission.reply({ formErrors: [error.message] });
    return { ok: false as const, response: json(reply, { status: 400 }) };
  }
}

/** Customers offered in the editor's select: active ones by name, plus the current one if archived. */
export async function customerOptions(businessId: string, currentId?: string | null) {
  const customers = await prisma.customer.findMany({
    where: { businessId, archivedAt: null },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: 1000,
    select: { id: true, name: true },
  });
  if (currentId && !customers.some((c) => c.id === currentId)) {
    const current = await prisma.customer.findFirst({ where: { id: currentId, businessId }, select: { id: true, name: true } });
    if (current) customers.unshift(current);
  }
  return customers;
}

export async function businessDefaults(businessId: string) {
  return prisma.business.findUniqueOrThrow({
    where: { id: businessId },
    select: { currency: true, timeZone: true, defaultTaxRate: true, paymentTermsDays: true, invoicePrefix: true, estimatePrefix: true, name: true },
  });
}
