// PayPal Orders v2 over its REST API with fetch, and webhook verification by transmission signature.
// PAYPAL_API_URL defaults to the live API; https://api-m.sandbox.paypal.com for the sandbox, or the
// local fake in tests (env.server.ts allows nothing else). In partner mode (PAYPAL_PARTNER_*), also
// the Partner Referrals API (each business connects its own PayPal account), orders with the business
// as payee, and capture refunds on the business's behalf (PayPal-Auth-Assertion); see
// docs/decisions/012-paypal-partner-and-refunds.md.
import { createVerify, X509Certificate } from "node:crypto";
import { crc32 } from "node:zlib";
import { z } from "zod";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";

const LIVE_API = "https://api-m.paypal.com";
const requestTimeoutMs = () => env().PAYMENTS_TIMEOUT_MS;

export function paypalConfigured() {
  const e = env();
  return Boolean(e.PAYPAL_CLIENT_ID && e.PAYPAL_CLIENT_SECRET && e.PAYPAL_WEBHOOK_ID);
}

const apiBase = () => (env().PAYPAL_API_URL ?? LIVE_API).replace(/\/$/, "");

/** Partner mode: each business is paid into its own connected PayPal account. */
export function paypalPartnerMode() {
  const e = env();
  return paypalConfigured() && Boolean(e.PAYPAL_PARTNER_MERCHANT_ID && e.PAYPAL_PARTNER_ATTRIBUTION_ID);
}

export class PayPalError extends Error {
  constructor(
    message: string,
    /** PayPal's HTTP status; 504 when it did not answer in time, 502 when it could not be reached. */
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
    signal: AbortSignal.timeout(requestTimeoutMs()),
  });
  if (!response.ok) throw new PayPalError(`PayPal authentication failed (${response.status})`, response.status);
  const body = z.object({ access_token: z.string(), expires_in: z.number() }).parse(await response.json());
  token = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
  return token.value;
}

type CallOptions = { body?: unknown; requestId?: string; headers?: Record<string, string> };

async function call<T>(method: "GET" | "POST", path: string, schema: z.ZodType<T>, options: CallOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${apiBase()}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${await accessToken()}`,
        "Content-Type": "application/json",
        Prefer: "return=representation",
        // PayPal's idempotency key: a retried create or capture returns the first result.
        ...(options.requestId ? { "PayPal-Request-Id": options.requestId } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(requestTimeoutMs()),
    });
  } catch (error) {
    if (error instanceof PayPalError) throw error;
    const name = (error as { name?: string })?.name;
    if (name === "TimeoutError" || name === "AbortError")
      throw new PayPalError(`PayPal did not answer within ${Math.round(requestTimeoutMs() / 1000)} seconds`, 504);
    throw new PayPalError("PayPal could not be reached", 502);
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const issue = z.object({ details: z.array(z.object({ issue: z.string() })).optional() }).safeParse(json);
    const first = issue.success ? issue.data.details?.[0]?.issue : undefined;
    if (response.status === 401) token = undefined;
    throw new PayPalError(`PayPal ${method} ${path.split("?")[0]} answered ${response.status}${first ? ` (${first})` : ""}`, response.status, first);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new PayPalError(`PayPal ${method} ${path.split("?")[0]} sent an answer we could not read`, 502);
  return parsed.data;
}

/** Headers a partner sends for a connected merchant: revenue attribution always, and acting on the merchant's behalf. */
function partnerHeaders(merchantId?: string): Record<string, string> {
  if (!paypalPartnerMode()) return {};
  return {
    "PayPal-Partner-Attribution-Id": env().PAYPAL_PARTNER_ATTRIBUTION_ID!,
    ...(merchantId ? { "PayPal-Auth-Assertion": authAssertion(merchantId) } : {}),
  };
}

/**
 * PayPal's auth assertion: an unsigned JWT ({"alg":"none"}) naming our client id as issuer and the
 * merchant as payer_id, so a call acts on that merchant's behalf within the consent they granted.
 */
export function authAssertion(merchantId: string) {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none" })}.${part({ iss: env().PAYPAL_CLIENT_ID, payer_id: merchantId })}.`;
}

const Money = z.object({ currency_code: z.string(), value: z.string() });

export const CaptureSchema = z.object({
  id: z.string(),
  status: z.string(),
  amount: Money,
  custom_id: z.string().optional(),
  invoice_id: z.string().optional(),
  status_details: z.object({ reason: z.string().optional() }).optional(),
  /** The merchant the money went to (in partner mode, the business's connected account). */
  payee: z.object({ merchant_id: z.string().optional() }).optional(),
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
        payee: z.object({ merchant_id: z.string().optional() }).optional(),
        payments: z.object({ captures: z.array(CaptureSchema).default([]) }).optional(),
      }),
    )
    .default([]),
});
type PayPalOrder = z.infer<typeof OrderSchema>;

export async function createPayPalOrder(input: {
  requestId: string;
  invoiceId: string;
  invoiceNumber: string;
  businessName: string;
  currency: string;
  value: string;
  returnUrl: string;
  cancelUrl: string;
  /** Partner mode: the business's connected merchant, paid directly (the platform never holds the money). */
  payeeMerchantId?: string;
}) {
  const order = await call("POST", "/v2/checkout/orders", OrderSchema, {
    requestId: input.requestId,
    headers: partnerHeaders(),
    body: {
      intent: "CAPTURE",
      purchase_units: [
        {
          reference_id: input.invoiceId,
          custom_id: input.invoiceId,
          description: `Invoice ${input.invoiceNumber} from ${input.businessName}`.slice(0, 127),
          amount: { currency_code: input.currency, value: input.value },
          ...(input.payeeMerchantId ? { payee: { merchant_id: input.payeeMerchantId } } : {}),
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
  return call("GET", `/v2/checkout/orders/${encodeURIComponent(orderId)}`, OrderSchema, { headers: partnerHeaders() });
}

/** Captures an approved order; capturing one that is already captured returns its capture. */
export async function capturePayPalOrder(orderId: string): Promise<PayPalOrder> {
  try {
    return await call("POST", `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`, OrderSchema, {
      body: {},
      requestId: `capture-${orderId}`,
      headers: partnerHeaders(),
    });
  } catch (error) {
    if (error instanceof PayPalError && error.issue === "ORDER_ALREADY_CAPTURED") return getPayPalOrder(orderId);
    throw error;
  }
}

// ---- Refunds ---------------------------------------------------------------------------------------

const RefundSchema = z.object({ id: z.string(), status: z.string() });

/**
 * Refunds (part of) a capture. `requestId` is our refund's idempotency key: a retry after a timeout gets
 * the first answer instead of a second refund. A capture paid to a connected merchant is refunded on
 * the merchant's behalf (PayPal-Auth-Assertion); "" means the deployment's own account.
 */
export function refundPayPalCapture(input: {
  captureId: string;
  merchantId: string;
  requestId: string;
  currency: string;
  value: string;
  note: string;
  invoiceId: string;
}) {
  return call("POST", `/v2/payments/captures/${encodeURIComponent(input.captureId)}/refund`, RefundSchema, {
    requestId: input.requestId,
    headers: partnerHeaders(input.merchantId || undefined),
    body: {
      amount: { currency_code: input.currency, value: input.value },
      note_to_payer: input.note.slice(0, 255),
      custom_id: input.invoiceId,
    },
  });
}

// ---- Partner Referrals (partner mode) ------------------------------------------------------------

const LinksSchema = z.array(z.object({ href: z.string(), rel: z.string() })).default([]);

/**
 * A partner referral for one business: PayPal's hosted sign-up/consent flow, after which the merchant
 * comes back to `returnUrl` with merchantIdInPayPal and merchantId (our tracking id). The merchant
 * grants us PAYMENT and REFUND on their account; we never hold their credentials.
 */
export async function createPartnerReferral(input: { trackingId: string; returnUrl: string; email?: string | null }) {
  const referral = await call("POST", "/v2/customer/partner-referrals", z.object({ links: LinksSchema }), {
    headers: partnerHeaders(),
    body: {
      tracking_id: input.trackingId,
      ...(input.email ? { email: input.email } : {}),
      operations: [
        {
          operation: "API_INTEGRATION",
          api_integration_preference: {
            rest_api_integration: { integration_method: "PAYPAL", integration_type: "THIRD_PARTY", third_party_details: { features: ["PAYMENT", "REFUND"] } },
          },
        },
      ],
      products: ["EXPRESS_CHECKOUT"],
      legal_consents: [{ type: "SHARE_DATA_CONSENT", granted: true }],
      partner_config_override: { return_url: input.returnUrl, return_url_description: "Back to Invoice Link" },
    },
  });
  const action = referral.links.find((l) => l.rel === "action_url");
  if (!action) throw new PayPalError("PayPal returned no sign-up link", 502);
  return { actionUrl: action.href };
}

const MerchantIntegrationSchema = z.object({
  merchant_id: z.string(),
  tracking_id: z.string().optional(),
  payments_receivable: z.boolean().default(false),
  primary_email_confirmed: z.boolean().default(false),
});
export type MerchantIntegration = z.infer<typeof MerchantIntegrationSchema>;

/** What PayPal says about a merchant we onboarded: can it receive payments, is its email confirmed. */
export function getMerchantIntegration(merchantId: string): Promise<MerchantIntegration> {
  const partner = encodeURIComponent(env().PAYPAL_PARTNER_MERCHANT_ID ?? "");
  return call("GET", `/v1/customer/partners/${partner}/merchant-integrations/${encodeURIComponent(merchantId)}`, MerchantIntegrationSchema, {
    headers: partnerHeaders(),
  });
}

// ---- Webhook verification ----------------------------------------------------------------------

const PAYPAL_CERT_HOSTS = new Set(["api.paypal.com", "api-m.paypal.com", "api.sandbox.paypal.com", "api-m.sandbox.paypal.com"]);
const CERT_CACHE_MS = 24 * 60 * 60 * 1000;
const certCache = new Map<string, { pem: string; fetchedAt: number }>();

/** Only PayPal's own https hosts, or the configured API origin (the local fake in tests). */
function isAllowedCertUrl(value: string): boolean {
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
  const response = await fetch(certUrl, { redirect: "error", signal: AbortSignal.timeout(requestTimeoutMs()) });
  if (!response.ok) throw new Error(`certificate fetch answered ${response.status}`);
  const pem = await response.text();
  if (pem.length > 20_000) throw new Error("certificate too large");
  certCache.set(certUrl, { pem, fetchedAt: Date.now() });
  return pem;
}

type PayPalHeaders = {
  transmissionId: string | null;
  transmissionTime: string | null;
  transmissionSig: string | null;
  certUrl: string | null;
  authAlgo: string | null;
};

/** The transmission headers; `header` reads one by its lower-case name (a Fetch Headers' get, or a webhook request's header). */
export function paypalHeaders(header: (name: string) => string | null): PayPalHeaders {
  return {
    transmissionId: header("paypal-transmission-id"),
    transmissionTime: header("paypal-transmission-time"),
    transmissionSig: header("paypal-transmission-sig"),
    certUrl: header("paypal-cert-url"),
    authAlgo: header("paypal-auth-algo"),
  };
}

/** Transmissions older than this are refused, so a captured webhook cannot be replayed later. */
const PAYPAL_WEBHOOK_TOLERANCE_MS = 24 * 60 * 60 * 1000;

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
