// Stripe webhooks (the platform account's endpoint): handled in app/web/webhooks.server.ts. server.ts serves /webhooks/stripe from Express before
// Remix's router; this route answers the same way when the app runs without it.
import type { ActionFunctionArgs } from "@remix-run/node";
import { webhookHandlers } from "~/web/webhooks.server";
import { fetchWebhookRequest, methodNotAllowed, replyResponse } from "~/utils/webhook.server";

export const loader = () => replyResponse(methodNotAllowed());

export async function action({ request }: ActionFunctionArgs) {
  return replyResponse(await webhookHandlers["/webhooks/stripe"](fetchWebhookRequest(request)));
}
