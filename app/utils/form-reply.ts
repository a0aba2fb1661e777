// Replies for form buttons that fill the form in rather than save it ("Add lines from text", "Read
// receipt"). They ride on Conform's own intents, so the same reply re-renders the form on the server
// (JavaScript off) and updates it in place in the browser (JavaScript on):
// - `update` puts new values into the form (the whole form, or one field such as `lines`);
// - `validate` shows the error of one field without flagging the half-filled rest of the form.
// `notice` carries a sentence for the user next to Conform's own fields (Conform ignores it).
import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";

export type FormReply = SubmissionResult<string[]> & {
  /** What the button did and what the user should check now (shown as a status message). */
  notice?: string;
  /** The editor's item search without JavaScript (app/utils/editor-pickers.server.ts): the matches to offer. */
  itemSearch?: { q: string; items: { id: string; name: string; description: string | null; unitPriceCents: number; taxable: boolean }[] };
  /** The customer a picker button just chose: offered in the select even before the page's list has it. */
  chosenCustomer?: { id: string; name: string };
  /** The editor's customer search without JavaScript: the matches to offer. */
  customerSearch?: { q: string; customers: { id: string; name: string; email: string | null; phone: string | null }[] };
};

/** The form's text fields only (files cannot travel back to the page). */
function textFields(formData: FormData, drop: string[] = []) {
  const copy = new FormData();
  for (const [name, value] of formData) {
    if (typeof value === "string" && !drop.includes(name) && name !== "__intent__") copy.append(name, value);
  }
  return copy;
}

/** What the form currently holds, as Conform's nested payload (lines[0].description → lines[0].description). */
export function formPayload(formData: FormData, schema: z.ZodTypeAny, drop: string[] = []): Record<string, unknown> {
  return parseWithZod(textFields(formData, drop), { schema }).payload as Record<string, unknown>;
}

/** Re-renders the form with `value` put into `name` (the whole form when name is omitted). */
export function updateReply(formData: FormData, schema: z.ZodTypeAny, value: unknown, options: { name?: string; drop?: string[] } = {}): FormReply {
  const copy = textFields(formData, options.drop);
  copy.set("__intent__", JSON.stringify({ type: "update", payload: { ...(options.name ? { name: options.name } : {}), value } }));
  return parseWithZod(copy, { schema }).reply();
}

/** Re-renders the form as submitted with an error on one field only. */
export function fieldErrorReply(formData: FormData, schema: z.ZodTypeAny, field: string, message: string): FormReply {
  const copy = textFields(formData);
  copy.set("__intent__", JSON.stringify({ type: "validate", payload: { name: field } }));
  return parseWithZod(copy, { schema }).reply({ fieldErrors: { [field]: [message] } });
}
