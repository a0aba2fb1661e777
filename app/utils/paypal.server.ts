// PayPal Orders v2 over its REST API with fetch, and webhook verification by transmission signature.
// PAYPAL_API_URL defaults to the live API; https://api-m.sandbox.paypal.com for the sandbox, or the
// local fake in tests (env.server.ts allows nothing else).
import { createVerify, X509Certificate } from "node:crypto";
import { crc32 } from "node:zlib";
import { z } from "zod";
import { env } from "./env.server";
import { logger } from "./logger.server";

const LIVE_API = "https://api-m.paypal.com";
const REQUEST_TIMEOUT_MS = 15_000;

export function paypalConfigured() {
  const e = env();
  return Boolean(e.PAYPAL_CLIENT_ID && e.PAYPAL_CLIENT_SECRET && e.PAYPAL_WEBHOOK_ID);
}

const apiBase = () => (env().PAYPAL_API_URL ?? LIVE_API).replace(/\/$/, "");

export class PayPalError extends Error {
  constructor(
    message: string,
    public status: number,
    public issue?: string,
  ) {
    super(message);
    this.name = "PayPalError";
  }
}

// An access token lasts hours; each instance keeps its own (a cache, not shared state).
let token: { value: string; expiresAt: number } | undefined;

async function accessToken(): Promise<string> {
  if (token && token.expiresAt > Date.now() + 60_000) return token.value;
  const { PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET } = env();
  const response = await fetch(`${apiBase()}/v1/oauth2/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${PAYPAL_CLIENT_ID}:${PAYPAL_CLIENT_SECRET}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) throw new PayPalError(`PayPal authentication failed (${response.status})`, response.status);
  const body = z.object({ access_token: z.string(), expires_in: z.number() }).parse(await response.json());
  token = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
  return token.value;
}

async function call<T>(method: "GET" | "POST", path: string, schema: z.ZodType<T>, options: { body?: unknown; requestId?: string } = {}): Promise<T> {
  const response = await fetch(`${apiBase()}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${await accessToken()}`,
      "Content-Type": "application/json",
      Prefer: "return=representation",
      // PayPal's idempotency key: a retried create or capture returns the first result.
      ...(options.requestId ? { "PayPal-Request-Id": options.requestId } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const issue = z.object({ details: z.array(z.object({ issue: z.string() })).optional() }).safeParse(json);
    const first = issue.success ? issue.data.details?.[0]?.issue : undefined;
    if (response.status === 401) token = undefined;
    throw new PayPalError(`PayPal ${method} ${path} answered ${response.status}${first ? ` (${first})` : ""}`, response.status, first);
  }
  return schema.parse(json);
}

const Money = z.object({ currency_code: z.string(), value: z.string() });

export const CaptureSchema = z.object({
  id: z.string(),
  status: z.string(),
  amount: Money,
  custom_id: z.string().optional(),
  invoice_id: z.string().optional(),
  status_details: z.object({ reason: z.string().optional() }).optional(),
});
export type PayPalCapture = z.infer<typeof CaptureSchema>;

const OrderSchema = z.object({
  id: z.string(),
  status: z.string(),
  links: z.array(z.object({ href: z.string(), rel: z.string() })).default([]),
  purchase_units: z
    .array(
      z.object({
        custom_id: z.string().optional(),
        payments: z.object({ captures: z.array(CaptureSchema).default([]) }).optional(),
      }),
    )
    .default([]),
});
export type PayPalOrder = z.infer<typeof OrderSchema>;

export async function createPayPalOrder(input: {
  requestId: string;
  invoiceId: string;
  invoiceNumber: string;
  businessName: string;
  currency: string;
  value: string;
  returnUrl: string;
  cancelUrl: string;
}) {
  const order = await call("POST", "/v2/checkout/orders", OrderSchema, {
    requestId: input.requestId,
    body: {
      intent: "CAPTURE",
      purchase_units: [
        {
          reference_id: input.invoiceId,
          custom_id: input.invoiceId,
          description: `Invoice ${input.invoiceNumber} from ${input.businessName}`.slice(0, 127),
          amount: { currency_code: input.currency, value: input.value },
        },
      ],
      payment_source: {
        paypal: {
          experience_context: {
            brand_name: input.businessName.slice(0, 127),
            user_action: "PAY_NOW",
            shipping_preference: "NO_SHIPPING",
            return_url: input.returnUrl,
            cancel_url: input.cancelUrl,
          },
        },
      },
    },
  });
  const approve = order.links.find((l) => l.rel === "payer-action" || l.rel === "approve");
  if (!approve) throw new PayPalError("PayPal returned no approval link", 502);
  return { orderId: order.id, approveUrl: approve.href };
}

export function getPayPalOrder(orderId: string) {
  return call("GET", `/v2/checkout/orders/${encodeURIComponent(orderId)}`, OrderSchema);
}

/** Captures an approved order; capturing one that is already captured returns its capture. */
export async function capturePayPalOrder(orderId: string): Promise<PayPalOrder> {
  try {
    return await call("POST", `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`, OrderSchema, { body: {}, requestId: `capture-${orderId}` });
  } catch (error) {
    if (error instanceof PayPalError && error.issue === "ORDER_ALREADY_CAPTURED") return getPayPalOrder(orderId);
    throw error;
  }
}

// ---- Webhook verification ----------------------------------------------------------------------

const PAYPAL_CERT_HOSTS = new Set(["api.paypal.com", "api-m.paypal.com", "api.sandbox.paypal.com", "api-m.sandbox.paypal.com"]);
const CERT_CACHE_MS = 24 * 60 * 60 * 1000;
const certCache = new Map<string, { pem: string; fetchedAt: number }>();

/** Only PayPal's own https hosts, or the configured API origin (the local fake in tests). */
export function isAllowedCertUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === "https:" && PAYPAL_CERT_HOSTS.has(url.hostname) && (url.port === "" || url.port === "443")) return true;
  const configured = env().PAYPAL_API_URL;
  return Boolean(configured && url.origin === new URL(configured).origin);
}

async function certificate(certUrl: string): Promise<string> {
  const cached = certCache.get(certUrl);
  if (cached && Date.now() - cached.fetchedAt < CERT_CACHE_MS) return cached.pem;
  const response = await fetch(certUrl, { redirect: "error", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`certificate fetch answered ${response.status}`);
  const pem = await response.text();
  if (pem.length > 20_000) throw new Error("certificate too large");
  certCache.set(certUrl, { pem, fetchedAt: Date.now() });
  return pem;
}

export type PayPalHeaders = { transmissionId: string | null; transmissionTime: string | null; transmissionSig: string | null; certUrl: string | null; authAlgo: string | null };

export function paypalHeaders(headers: Headers): PayPalHeaders {
  return {
    transmissionId: headers.get("paypal-transmission-id"),
    transmissionTime: headers.get("paypal-transmission-time"),
    transmissionSig: headers.get("paypal-transmission-sig"),
    certUrl: headers.get("paypal-cert-url"),
    authAlgo: headers.get("paypal-auth-algo"),
  };
}

/** Transmissions older than this are refused, so a captured webhook cannot be replayed later. */
export const PAYPAL_WEBHOOK_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/**
 * PayPal signs "<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body>" with
 * SHA256withRSA; the certificate comes from PAYPAL-CERT-URL, which must be a PayPal host.
 * Returns the reason it failed, or null when the webhook is genuine.
 */
export async function verifyPayPalWebhook(rawBody: string, h: PayPalHeaders, now = new Date()): Promise<string | null> {
  if (!h.transmissionId || !h.transmissionTime || !h.transmissionSig || !h.certUrl || !h.authAlgo) return "missing PayPal transmission headers";
  if (h.authAlgo !== "SHA256withRSA") return "unsupported signature algorithm";
  if (!isAllowedCertUrl(h.certUrl)) return "certificate URL is not a PayPal host";
  const sentAt = Date.parse(h.transmissionTime);
  if (!Number.isFinite(sentAt) || Math.abs(now.getTime() - sentAt) > PAYPAL_WEBHOOK_TOLERANCE_MS) return "transmission time outside the tolerance";
  let pem: string;
  try {
    pem = await certificate(h.certUrl);
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, "PayPal certificate unavailable");
    return "certificate unavailable";
  }
  try {
    const cert = new X509Certificate(pem);
    if (Date.parse(cert.validFrom) > now.getTime() || Date.parse(cert.validTo) < now.getTime()) return "certificate expired";
    const message = `${h.transmissionId}|${h.transmissionTime}|${env().PAYPAL_WEBHOOK_ID}|${crc32(Buffer.from(rawBody, "utf8")) >>> 0}`;
    const ok = createVerify("RSA-SHA256").update(message).verify(cert.publicKey, h.transmissionSig, "base64");
    return ok ? null : "signature mismatch";
  } catch {
    return "signature mismatch";
  }
}
