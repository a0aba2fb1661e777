// JSON endpoints the browser's progressive enhancements call (address suggestions): a signed-in session
// (401 otherwise, never a redirect a script cannot follow), a switched-off integration is 404, bad input
// 400, the business's budget 429, and a provider failure its ProviderError status, each with a message.
import { json } from "@remix-run/node";
import type { z } from "zod";
import { getSession } from "./session.server";
import { type ProviderBudget, ProviderError, providerOff, spendProviderBudget } from "./provider-fetch.server";

const NO_STORE = { "Cache-Control": "private, no-store" };

export async function providerJsonResponse<T, R>(
  request: Request,
  options: { budget: ProviderBudget; configured: boolean; schema: z.ZodType<T>; invalid: string },
  run: (input: T) => Promise<R>,
) {
  const session = await getSession(request);
  if (!session) return json({ error: "Sign in again to use address suggestions." }, { status: 401, headers: NO_STORE });
  if (!options.configured) return json({ error: providerOff("google").message }, { status: 404, headers: NO_STORE });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return json({ error: "The request could not be read." }, { status: 400, headers: NO_STORE });
  }
  const input = options.schema.safeParse(Object.fromEntries([...form].filter(([, v]) => typeof v === "string")));
  if (!input.success) return json({ error: options.invalid }, { status: 400, headers: NO_STORE });
  try {
    await spendProviderBudget(options.budget, session.businessId);
    return json(await run(input.data), { headers: NO_STORE });
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    const headers = error.retryAfterSeconds ? { ...NO_STORE, "Retry-After": String(error.retryAfterSeconds) } : NO_STORE;
    return json({ error: error.message }, { status: error.status, headers });
  }
}
