// The action of the expense form (expenses+/new and expenses+/$expenseId): one multipart form, parsed with
// its one schema (__expense-form.tsx), one handler per intent, and the one reply shape `{ result, display? }`:
// - "save" (the default): the expense with its optional receipt photo, then POST/redirect/GET with a flash;
// - "read-receipt": the AI assistant reads vendor, date and total from the photo; the reply resets the form
//   to the values read (`display.defaultValue`) for the contractor to check. Reading never saves the expense.
import { parseWithZod } from "@conform-to/zod/v4";
import { createExpense, getDraftReceipt, getReceipt, type ReceiptUpload, storeDraftReceipt, updateExpense } from "~/models/expense.server";
import { type ExpenseInput, RECEIPT_MAX_BYTES, RECEIPT_TOO_LARGE, type ReceiptMimeType, receiptRejection, sniffReceiptType } from "~/models/expense-form";
import { aiReceiptsConfigured, readReceiptWithAi } from "~/models/ai-assistant.server";
import { centsToInput, formatMoney } from "~/utils/money";
import { FILE_TOO_LARGE, readFormWithFile } from "~/utils/multipart.server";
import { ProviderError, spendProviderBudget } from "~/utils/provider-fetch.server";
import { redirectWithFlash } from "~/utils/session.server";
import { formReply, replyWithDomainError } from "~/web/forms.server";
import { type ExpenseDisplay, expenseEditorSchema, type ExpenseFormValues } from "./__expense-form";

type Existing = { id: string; currency: string };

type Context = {
  request: Request;
  businessId: string;
  currency: string;
  existing: Existing | null;
  submission: ReturnType<typeof parseExpenseForm>;
  /** The photo chosen with this submission, once checked; or why it was refused. */
  upload: ReceiptUpload | null;
  receiptError: string | null;
};

function parseExpenseForm(formData: FormData, currency: string) {
  return parseWithZod(formData, { schema: expenseEditorSchema(currency) });
}

export async function expenseFormAction(request: Request, businessId: string, currency: string, existing: Existing | null) {
  const formData = await readFormWithFile(request, "receipt", RECEIPT_MAX_BYTES);

  let upload: ReceiptUpload | null = null;
  let receiptError: string | null = null;
  const file = formData.get("receipt");
  if (file === FILE_TOO_LARGE) receiptError = RECEIPT_TOO_LARGE;
  else if (file instanceof File && file.size > 0) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    receiptError = receiptRejection(bytes);
    const mimeType = sniffReceiptType(bytes);
    if (!receiptError && mimeType) upload = { bytes, mimeType };
  }
  // The photo cannot travel back to the page: the form's values are the text fields.
  formData.delete("receipt");

  const submission = parseExpenseForm(formData, currency);
  const context: Context = { request, businessId, currency, existing, submission, upload, receiptError };
  if (submission.status !== "success") {
    return formReply(receiptError ? submission.reply({ fieldErrors: { receipt: [receiptError] } }) : submission.reply());
  }
  const value = submission.value;
  switch (value.intent) {
    case "read-receipt":
      return readReceipt(context, value.receiptId);
    default:
      return saveExpense(context, value);
  }
}

async function saveExpense(context: Context, input: ExpenseInput) {
  const { request, businessId, currency, existing, submission, upload, receiptError } = context;
  if (receiptError) return formReply(submission.reply({ fieldErrors: { receipt: [receiptError] } }));
  try {
    const receipt = { upload, draftId: upload ? null : input.receiptId };
    const saved = existing ? await updateExpense(businessId, existing.id, input, receipt) : await createExpense(businessId, input, receipt);
    return redirectWithFlash(request, `/expenses/${saved.id}`, {
      kind: "success",
      message: existing ? "Expense saved." : `Expense of ${formatMoney(input.amount, currency)} recorded.`,
    });
  } catch (error) {
    return replyWithDomainError(submission, error);
  }
}

async function readReceipt(context: Context, draftId: string | undefined) {
  const { businessId, currency, existing, submission, upload, receiptError } = context;
  const refuse = (message: string, init: { status?: number; headers?: HeadersInit } = {}) =>
    formReply(submission.reply({ fieldErrors: { receipt: [message] } }), init);
  if (!aiReceiptsConfigured()) return refuse("Reading receipts is not set up on this server: enter the details yourself.");
  if (receiptError) return refuse(receiptError);

  // The photo to read: the one just chosen, else the draft read before, else the expense's saved photo.
  let photo: { bytes: Uint8Array; mimeType: string } | null = upload;
  if (!photo && draftId) photo = await getDraftReceipt(businessId, draftId);
  if (!photo && existing) photo = await getReceipt(businessId, existing.id);
  if (!photo) return refuse("Choose a photo of the receipt first");

  let draft;
  try {
    await spendProviderBudget("ai", businessId);
    draft = await readReceiptWithAi(photo.bytes, photo.mimeType, currency);
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return refuse(error.message, { status: error.status, headers: error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : undefined });
  }
  if (!draft.vendor && !draft.spentOn && draft.amountCents === null) {
    return refuse("The receipt could not be read: enter the details yourself, or try a sharper photo.", { status: 422 });
  }

  // Kept as a draft so saving does not need the file chosen again (the re-rendered form cannot hold it).
  const receiptId = upload ? (await storeDraftReceipt(businessId, { bytes: upload.bytes, mimeType: upload.mimeType as ReceiptMimeType })).id : draftId || "";
  const { intent: _intent, ...typed } = submission.payload as ExpenseFormValues & { intent?: unknown };
  const defaultValue: ExpenseFormValues = {
    ...typed,
    ...(draft.vendor ? { vendor: draft.vendor } : {}),
    ...(draft.spentOn ? { spentOn: draft.spentOn } : {}),
    ...(draft.amountCents !== null ? { amount: centsToInput(draft.amountCents, currency) } : {}),
    receiptId,
  };
  const missing = [!draft.vendor && "vendor", !draft.spentOn && "date", draft.amountCents === null && "total"].filter(Boolean);
  const currencyNote =
    draft.currency && draft.currency !== currency
      ? ` The receipt seems to be in ${draft.currency}: expenses are recorded in ${currency}, so check the amount.`
      : "";
  const notice =
    `Read from the receipt: check the vendor, date and amount, then save.` +
    (missing.length ? ` Could not read the ${missing.join(" or ")}.` : "") +
    currencyNote;
  return formReply<ExpenseDisplay>(submission.reply({ resetForm: true }), { status: 200, display: { notice, defaultValue } });
}
