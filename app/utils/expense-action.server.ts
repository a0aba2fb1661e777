// The new and edit expense pages share one multipart form: save (with an optional receipt photo) or
// "Read receipt", which asks the AI assistant for vendor, date and total and puts them into the form for
// the contractor to check. Reading never saves the expense.
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import { DomainError } from "~/models/errors.server";
import { createExpense, getDraftReceipt, getReceipt, type ReceiptUpload, storeDraftReceipt, updateExpense } from "~/models/expense.server";
import { expenseFormSchema, RECEIPT_MAX_BYTES, RECEIPT_TOO_LARGE, type ReceiptMimeType, receiptRejection, sniffReceiptType } from "~/models/expense-form";
import { aiReceiptsConfigured, readReceiptWithAi } from "~/models/ai-assistant.server";
import { fieldErrorReply, formPayload, type FormReply, updateReply } from "./form-reply";
import { centsToInput, formatMoney } from "./money";
import { FILE_TOO_LARGE, readFormWithFile } from "./multipart.server";
import { ProviderError, spendProviderBudget } from "./provider-fetch.server";
import { redirectWithFlash } from "./session.server";

type Existing = { id: string; currency: string };

/** Handles a POST of the expense form: "save" (the default) or "read-receipt". */
export async function expenseFormAction(request: Request, businessId: string, currency: string, existing: Existing | null) {
  const formData = await readFormWithFile(request, "receipt", RECEIPT_MAX_BYTES);
  const intent = formData.get("intent");
  const schema = expenseFormSchema(currency);

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
  formData.delete("receipt");
  formData.delete("intent");

  if (intent === "read-receipt") return readReceipt({ formData, businessId, currency, existing, upload, receiptError });

  const submission = parseWithZod(formData, { schema });
  if (receiptError) return json<FormReply>(submission.reply({ fieldErrors: { receipt: [receiptError] } }), { status: 400 });
  if (submission.status !== "success") return json<FormReply>(submission.reply(), { status: 400 });
  const input = submission.value;
  try {
    const receipt = { upload, draftId: upload ? null : input.receiptId };
    const saved = existing ? await updateExpense(businessId, existing.id, input, receipt) : await createExpense(businessId, input, receipt);
    return redirectWithFlash(request, `/expenses/${saved.id}`, {
      kind: "success",
      message: existing ? "Expense saved." : `Expense of ${formatMoney(input.amount, currency)} recorded.`,
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const reply = error.field ? submission.reply({ fieldErrors: { [error.field]: [error.message] } }) : submission.reply({ formErrors: [error.message] });
    return json<FormReply>(reply, { status: 400 });
  }
}

async function readReceipt(args: {
  formData: FormData;
  businessId: string;
  currency: string;
  existing: Existing | null;
  upload: ReceiptUpload | null;
  receiptError: string | null;
}) {
  const { formData, businessId, currency, existing, upload, receiptError } = args;
  const schema = expenseFormSchema(currency);
  const refuse = (message: string, status = 400) => json<FormReply>(fieldErrorReply(formData, schema, "receipt", message), { status });
  if (!aiReceiptsConfigured()) return refuse("Reading receipts is not set up on this server: enter the details yourself.");
  if (receiptError) return refuse(receiptError);

  // The photo to read: the one just chosen, else the draft read before, else the expense's saved photo.
  const draftId = formData.get("receiptId");
  let photo: { bytes: Uint8Array; mimeType: string } | null = upload;
  if (!photo && typeof draftId === "string" && draftId) photo = await getDraftReceipt(businessId, draftId);
  if (!photo && existing) photo = await getReceipt(businessId, existing.id);
  if (!photo) return refuse("Choose a photo of the receipt first");

  let draft;
  try {
    await spendProviderBudget("ai", businessId);
    draft = await readReceiptWithAi(photo.bytes, photo.mimeType, currency);
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return json<FormReply>(fieldErrorReply(formData, schema, "receipt", error.message), { status: error.status, headers: error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : undefined });
  }
  if (!draft.vendor && !draft.spentOn && draft.amountCents === null) {
    return refuse("The receipt could not be read: enter the details yourself, or try a sharper photo.", 422);
  }

  // Kept as a draft so saving does not need the file chosen again (the re-rendered form cannot hold it).
  const receiptId = upload ? (await storeDraftReceipt(businessId, { bytes: upload.bytes, mimeType: upload.mimeType as ReceiptMimeType })).id : draftId || "";
  const values = {
    ...formPayload(formData, schema),
    ...(draft.vendor ? { vendor: draft.vendor } : {}),
    ...(draft.spentOn ? { spentOn: draft.spentOn } : {}),
    ...(draft.amountCents !== null ? { amount: centsToInput(draft.amountCents, currency) } : {}),
    receiptId,
  };
  const missing = [!draft.vendor && "vendor", !draft.spentOn && "date", draft.amountCents === null && "total"].filter(Boolean);
  const currencyNote = draft.currency && draft.currency !== currency ? ` The receipt seems to be in ${draft.currency}: expenses are recorded in ${currency}, so check the amount.` : "";
  const notice =
    `Read from the receipt: check the vendor, date and amount, then save.` +
    (missing.length ? ` Could not read the ${missing.join(" or ")}.` : "") +
    currencyNote;
  return json<FormReply>({ ...updateReply(formData, schema, values), notice });
}
