// Which of the invoice page's forms an action reply belongs to. Zod-free, because the page imports it
// (issue 17); the forms' schema is in forms.ts.
import type { SubmissionResult } from "@conform-to/zod/v4";

/** The action's result when it answers `intent` (and, for a per-payment form, that payment). */
export function replyFor(result: SubmissionResult<string[]> | undefined, intent: string | ((intent: unknown) => boolean), paymentId?: string) {
  const sent = (result?.initialValue ?? {}) as { intent?: unknown; paymentId?: unknown };
  const matches = typeof intent === "function" ? intent(sent.intent) : sent.intent === intent;
  return result && matches && (paymentId === undefined || sent.paymentId === paymentId) ? result : undefined;
}
