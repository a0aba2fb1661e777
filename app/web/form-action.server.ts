// Building the one action reply (app/web/action-reply.ts) and turning a DomainError raised by a write
// into a field or form error of the submitted form, so routes stay a few lines long.
import type { SubmissionResult } from "@conform-to/react";
import { json } from "@remix-run/node";
import { DomainError } from "~/models/errors.server";
import type { ActionReply } from "./action-reply";

type Submission = {
  reply(options?: { fieldErrors?: Record<string, string[]>; formErrors?: string[]; resetForm?: boolean }): SubmissionResult<string[]>;
};

/** `{ result, display? }` as JSON: 400 for a refused form unless told otherwise. */
export function formReply<Display = never>(
  result: SubmissionResult<string[]>,
  init: { status?: number; headers?: HeadersInit; display?: Display } = {},
) {
  const body: ActionReply<Display> = init.display === undefined ? { result } : { result, display: init.display };
  return json(body, { status: init.status ?? 400, headers: init.headers });
}

/** The submission answered with a DomainError's message on its field (or on the form when it names none). */
export function domainErrorReply(submission: Submission, error: DomainError, fields?: readonly string[]) {
  const onField = error.field && (!fields || fields.includes(error.field));
  return formReply(onField ? submission.reply({ fieldErrors: { [error.field!]: [error.message] } }) : submission.reply({ formErrors: [error.message] }));
}

/** Runs a domain write; a DomainError becomes a 400 reply with the message on its field (or the form). */
export async function withDomainErrors<T>(submission: Submission, write: () => Promise<T>) {
  try {
    return { ok: true as const, value: await write() };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { ok: false as const, response: domainErrorReply(submission, error) };
  }
}
