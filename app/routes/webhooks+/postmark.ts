// Postmark webhooks: HTTP Basic auth with POSTMARK_WEBHOOK_USER / POSTMARK_WEBHOOK_PASSWORD, compared
// in constant time; bad or missing credentials → 401 and nothing written. Bodies that are not JSON
// → 400. Unknown message ids and record types → 200 (Postmark would otherwise retry them).
import type { ActionFunctionArgs } from "@remix-run/node";
import { applyPostmarkEvent } from "~/models/email-events.server";
import { safeEqual } from "~/utils/crypto.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { bodyTooLarge, methodNotAllowed, readRawBody, webhookResponse } from "~/utils/webhook.server";

export const loader = () => methodNotAllowed();

function authorized(header: string | null) {
  const { POSTMARK_WEBHOOK_USER: user, POSTMARK_WEBHOOK_PASSWORD: password } = env();
  if (!user || !password || !header?.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  // Both compared in full, always, so timing says nothing about which part was wrong.
  const [givenUser = "", ...rest] = decoded.split(":");
  const userOk = safeEqual(givenUser, user);
  const passwordOk = safeEqual(rest.join(":"), password);
  return userOk && passwordOk;
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed();
  if (!authorized(request.headers.get("authorization"))) {
    return new Response("Unauthorized", { status: 401, headers: { "WWW-Authenticate": 'Basic realm="postmark"', "Cache-Control": "no-store" } });
  }
  const body = await readRawBody(request);
  if (body === null) return bodyTooLarge();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return webhookResponse(400, "Body is not JSON");
  }
  const result = await applyPostmarkEvent(json);
  logger.info({ result }, "postmark webhook");
  if (result === "invalid") return webhookResponse(400, "Not a Postmark event");
  return webhookResponse(200, result);
}
