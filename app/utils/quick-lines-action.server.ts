// "Add lines from text" and "Add lines with AI" on the invoice and estimate editor. Both buttons submit
// the whole form with an intent; the answer re-renders it with the drafted lines appended (after any
// lines already there, replacing a still-empty one) and nothing saved. The local parser needs no key;
// the AI assistant is used only for its own button and is sent the typed text alone.
import { json } from "@remix-run/node";
import { documentFormSchema } from "~/models/document-form";
import { type DocumentKind, MAX_LINES } from "~/models/document-input";
import { parseQuickLines, QUICK_TEXT_EXAMPLE, QUICK_TEXT_MAX, type QuickLinesResult } from "~/models/quick-lines";
import { aiConfigured, draftLinesWithAi } from "~/models/ai-assistant.server";
import { requireBusiness } from "~/web/auth.server";
import { fieldErrorReply, formPayload, type FormReply, updateReply } from "./form-reply";
import { centsToInput, quantityToInput } from "./money";
import { ProviderError, spendProviderBudget } from "./provider-fetch.server";

export const QUICK_LINES_INTENTS = ["quick-lines", "quick-lines-ai"] as const;
export type QuickLinesIntent = (typeof QUICK_LINES_INTENTS)[number];

export function isQuickLinesIntent(value: unknown): value is QuickLinesIntent {
  return QUICK_LINES_INTENTS.includes(value as QuickLinesIntent);
}

type LineValues = { description?: string; quantity?: string; unitPrice?: string; taxRate?: string };

/** A line nobody has typed into yet (the editor starts with one). */
function isBlank(line: LineValues) {
  return !line.description?.trim() && !line.unitPrice?.trim() && !line.taxRate?.trim() && ["", "1"].includes(line.quantity?.trim() ?? "");
}

export async function quickLinesResponse(request: Request, formData: FormData, currency: string, kind: DocumentKind, intent: QuickLinesIntent) {
  const schema = documentFormSchema(currency, kind);
  const refuse = (message: string, status = 400) => json<FormReply>(fieldErrorReply(formData, schema, "quickText", message), { status });
  const text = String(formData.get("quickText") ?? "");

  let result: QuickLinesResult;
  if (intent === "quick-lines-ai") {
    if (!aiConfigured()) return refuse("The AI assistant is not set up on this server: use “Add lines from text”.");
    if (!text.trim()) return refuse(`Type the work or items first, for example: ${QUICK_TEXT_EXAMPLE}`);
    if (text.length > QUICK_TEXT_MAX) return refuse(`Keep the text under ${QUICK_TEXT_MAX.toLocaleString("en-US")} characters`);
    const { businessId } = await requireBusiness(request);
    try {
      await spendProviderBudget("ai", businessId);
      result = await draftLinesWithAi(text.trim(), currency);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return refuse(error.message, error.status);
    }
  } else {
    result = parseQuickLines(text, currency);
  }
  if (!result.ok) return refuse(result.message, intent === "quick-lines-ai" ? 422 : 400);

  const payload = formPayload(formData, schema, ["quickText"]);
  const current = (Array.isArray(payload.lines) ? (payload.lines as LineValues[]) : []).filter((line) => line && !isBlank(line));
  const added = result.lines.map((line) => ({
    description: line.description,
    quantity: quantityToInput(line.quantityMilli),
    unitPrice: line.unitPriceCents === null ? "" : centsToInput(line.unitPriceCents, currency),
    taxRate: "",
  }));
  if (current.length + added.length > MAX_LINES) {
    return refuse(`A ${kind} holds at most ${MAX_LINES} lines: ${current.length} are there and the text has ${added.length}.`);
  }
  const missingPrices = added.filter((line) => !line.unitPrice).length;
  const notice =
    `Added ${added.length} line${added.length === 1 ? "" : "s"}${intent === "quick-lines-ai" ? " suggested by the AI assistant" : ""}: check ${added.length === 1 ? "it" : "them"}` +
    (missingPrices ? `, fill in the ${missingPrices === 1 ? "missing price" : `${missingPrices} missing prices`}` : "") +
    `, then ${kind === "invoice" ? "save the invoice" : "save the estimate"}. Nothing is saved yet.`;
  return json<FormReply>({ ...updateReply(formData, schema, [...current, ...added], { name: "lines", drop: ["quickText"] }), notice });
}
