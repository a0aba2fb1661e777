// The one reply shape of every form action: `{ result }`, Conform's SubmissionResult, with status 400
// when the input was refused (the page re-renders with the values kept and the errors next to their
// fields, with or without JavaScript); success is a redirect with a flash (POST/redirect/GET).
//
//   const submission = parseWithZod(formData, { schema });
//   if (submission.status !== "success") return json({ result: submission.reply() }, { status: 400 });
//   try {
//     await saveThing(businessId, submission.value);
//   } catch (error) {
//     return replyWithDomainError(submission, error); // a rule said no: its message on the form
//   }
//   return redirectWithFlash(request, "/things", { kind: "success", message: "Saved." });
//
// The page reads `useActionData<typeof action>()?.result` (Conform's lastResult) and shows form-level
// messages with formErrors() from app/components/forms.tsx.
import type { Submission, SubmissionResult } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import type { ActionReply } from "./action-reply";
import { classifyError } from "./errors.server";

export type FormReply = { result: SubmissionResult<string[]> };

// The editor, invoice-page and expense forms (app/web/document-editor.server.ts and the routes beside it)
// also carry `display` (ActionReply): what the server filled in or found, next to the same `result`.

/**
 * A domain error thrown while acting on a valid form, as the form's reply: on its field when it names one,
 * else above the form; the status is the one classifyError gives it (400 for a rule about a field, 409 for
 * a conflict with the thing's state, 402 when the account is read-only). `display` travels beside the
 * result as in formReply. Anything else is thrown on (mapDomainErrors or a 500), and so are a 404, 403
 * or 410, which the error boundary renders.
 */
export function replyWithDomainError<Display = never>(
  submission: Submission<unknown>,
  error: unknown,
  options: { hideFields?: string[]; display?: Display; headers?: HeadersInit } = {},
) {
  const known = classifyError(error);
  if (!known || known.status === 404 || known.status === 403 || known.status === 410) throw error;
  const result = known.field
    ? submission.reply({ fieldErrors: { [known.field]: [known.message] }, hideFields: options.hideFields })
    : submission.reply({ formErrors: [known.message], hideFields: options.hideFields });
  return formReply<Display>(result, { status: known.status, display: options.display, headers: options.headers });
}

/** A refusal that is not about the form's fields (an unknown button, a busy provider), as the form's reply. */
export function replyWithFormError(submission: Submission<unknown>, message: string, init: { status?: number; headers?: HeadersInit } = {}) {
  return json<FormReply>({ result: submission.reply({ formErrors: [message] }) }, { status: init.status ?? 400, headers: init.headers });
}

/** `{ result, display? }` as JSON: 400 for a refused form unless told otherwise. */
export function formReply<Display = never>(result: SubmissionResult<string[]>, init: { status?: number; headers?: HeadersInit; display?: Display } = {}) {
  const body: ActionReply<Display> = init.display === undefined ? { result } : { result, display: init.display };
  return json(body, { status: init.status ?? 400, headers: init.headers });
}
