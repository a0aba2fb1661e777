// Test-only fake of the PayPal REST API: OAuth2 client credentials, Orders v2 (create, approval on a
// plain-HTML page, capture) and webhooks signed the way PayPal signs them (SHA256withRSA over
// "transmissionId|time|webhookId|crc32(body)", the certificate served over HTTP). node:http only.
// Partner mode (see the "Partner Referrals" section): partner referrals with a hosted no-JS onboarding
// page, merchant-integrations, orders paid to a connected merchant (payee.merchant_id), capture refunds
// on the merchant's behalf (PayPal-Auth-Assertion) and the MERCHANT.* webhooks.
import { execFile } from "node:child_process";
import { randomBytes, randomInt, randomUUID, sign } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";

const CERT_PATH = "/v1/notifications/certs/CERT-360caa42-fca2a594-test";
export const ONBOARDING_PATH = "/merchantsignup/partner/onboardingentry";
const FAKE_PAYER = {
  payer_id: "FAKEPAYER123",
  email_address: "buyer@example.com",
  name: { given_name: "Test", surname: "Buyer" },
  address: { country_code: "US" },
};
const PAYEE = { email_address: "merchant@example.com", merchant_id: "FAKEMERCHANT1" };
// PayPal rejects fraction digits for these currencies.
const ZERO_DECIMAL = new Set(["JPY", "HUF", "TWD"]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
export type Money = { currency_code: string; value: string };
type Link = { href: string; rel: string; method: string };
type FakeCapture = Json & { id: string; status: string; amount: Money; custom_id?: string; invoice_id?: string; create_time: string };
type Payee = { email_address: string; merchant_id: string };
type PurchaseUnit = {
  reference_id: string;
  custom_id?: string;
  invoice_id?: string;
  description?: string;
  amount: Money;
  payee: Payee;
  payments?: { captures: FakeCapture[] };
};
/** A PayPal business account onboarded through a partner referral. */
type FakeMerchant = {
  merchant_id: string;
  tracking_id: string;
  email: string;
  payments_receivable: boolean;
  primary_email_confirmed: boolean;
  consent: boolean;
};
type FakeReferral = { token: string; tracking_id: string; return_url: string; email?: string; body: Json };
type FakeRefund = { id: string; captureId: string; amount: Money; requestId?: string; authAssertion?: string; note?: string };
type FakeOrder = {
  id: string;
  intent: "CAPTURE";
  status: "PAYER_ACTION_REQUIRED" | "APPROVED" | "COMPLETED";
  purchase_units: PurchaseUnit[];
  experience_context: { return_url: string; cancel_url?: string; brand_name?: string; [key: string]: unknown };
  payer?: typeof FAKE_PAYER;
  create_time: string;
  update_time: string;
};
export type WebhookEvent = { eventType: string; resource: Json };
type SendWebhookOptions = {
  id?: string;
  webhookId?: string;
  tamperBody?: boolean;
  certUrl?: string;
  signature?: string;
  transmissionTime?: string;
  omitHeader?: string;
};
type WebhookDelivery = { status: number; body: string; event: Json };
export type RecordedRequest = { method: string; path: string; headers: http.IncomingHttpHeaders; body: unknown };

export interface FakePayPal {
  url: string;
  port: number;
  certUrl: string;
  certPem: string;
  privateKeyPem: string;
  readonly certFetches: number;
  requests: RecordedRequest[];
  orders: Map<string, FakeOrder>;
  /** Status given to the next captures; "PENDING" mimics a capture held for review. */
  captureStatus: "COMPLETED" | "PENDING";
  setWebhookUrl(url: string): void;
  approve(orderId: string): Json;
  capture(orderId: string): Json;
  sendWebhook(event: WebhookEvent, opts?: SendWebhookOptions): Promise<WebhookDelivery>;
  sendWebhook(eventType: string, resource: object, opts?: SendWebhookOptions): Promise<WebhookDelivery>;
  captureCompletedEvent(orderId: string, status?: "COMPLETED" | "PENDING" | "DENIED"): WebhookEvent;
  refund(captureId: string, value?: string): WebhookEvent;
  dispute(captureId: string, value?: string): WebhookEvent;
  /** Invalidates every issued access token, to test the app's token refresh. */
  revokeTokens(): void;
  stop(): Promise<void>;
  // Partner mode
  merchants: Map<string, FakeMerchant>;
  referrals: Map<string, FakeReferral>;
  /** Refunds made through POST /v2/payments/captures/:id/refund (not the test helper refund()). */
  apiRefunds: FakeRefund[];
  /** What the next onboarding creates (consumed once): a given merchant id, an account that cannot receive payments yet. */
  nextOnboarding: { merchantId?: string; paymentsReceivable?: boolean; emailConfirmed?: boolean } | null;
  /** Send PAYMENT.CAPTURE.REFUNDED after an API refund and MERCHANT.ONBOARDING.COMPLETED after onboarding, as PayPal does (default true). */
  autoWebhooks: boolean;
  /** The next API calls (not OAuth, not the certificate) answer these statuses, one each. */
  failNext(...statuses: number[]): void;
  /** Wait this long before answering API calls (0: at once). */
  setDelay(ms: number): void;
  /** Resolves when every webhook the fake sent by itself has been answered. */
  settled(): Promise<void>;
  onboardingCompletedEvent(merchantId: string): WebhookEvent;
  /** The merchant withdraws our permissions in their PayPal settings. */
  revokeConsent(merchantId: string): WebhookEvent;
}

const iso = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Order, capture and refund ids look like PayPal's: 17 uppercase alphanumerics. */
const paypalId = () => Array.from({ length: 17 }, () => ALNUM[randomInt(ALNUM.length)]).join("");
const debugId = () => randomBytes(7).toString("hex").slice(0, 13);
const digits = (currency: string) => (ZERO_DECIMAL.has(currency) ? 0 : 2);
const toMinor = (m: Money) => Math.round(Number(m.value) * 10 ** digits(m.currency_code));
const money = (currency_code: string, minor: number): Money => ({ currency_code, value: (minor / 10 ** digits(currency_code)).toFixed(digits(currency_code)) });
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const MESSAGES: Record<string, string> = {
  INVALID_REQUEST: "Request is not well-formed, syntactically incorrect, or violates schema.",
  UNPROCESSABLE_ENTITY: "The requested action could not be performed, semantically incorrect, or failed business validation.",
  RESOURCE_NOT_FOUND: "The specified resource does not exist.",
  AUTHENTICATION_FAILURE: "Authentication failed due to invalid authentication credentials or a missing Authorization header.",
  UNSUPPORTED_MEDIA_TYPE: "The server does not support the request payload's media type.",
};
type Reply = { status: number; body: Json };
type Detail = { field?: string; value?: unknown; location?: string; issue: string; description: string };
const apiError = (status: number, name: string, details: Detail[] = []): Reply => {
  const links = details.map((d) => ({ href: `https://developer.paypal.com/docs/api/orders/v2/#error-${d.issue}`, rel: "information_link", method: "GET" }));
  return { status, body: { name, message: MESSAGES[name], debug_id: debugId(), ...(details.length ? { details } : {}), links } };
};
const notFoundError = () => apiError(404, "RESOURCE_NOT_FOUND", [{ issue: "INVALID_RESOURCE_ID", description: "Specified resource ID does not exist." }]);

/** The PayPal webhook headers for `body`, signed with `privateKeyPem` exactly as PayPal does. */
export function signPayPalWebhook(input: {
  body: string | Buffer;
  webhookId: string;
  privateKeyPem: string;
  certUrl: string;
  transmissionId?: string;
  transmissionTime?: string;
}): Record<string, string> {
  const transmissionId = input.transmissionId ?? randomUUID();
  const transmissionTime = input.transmissionTime ?? iso();
  const message = `${transmissionId}|${transmissionTime}|${input.webhookId}|${zlib.crc32(input.body)}`;
  return {
    "PAYPAL-TRANSMISSION-ID": transmissionId,
    "PAYPAL-TRANSMISSION-TIME": transmissionTime,
    "PAYPAL-TRANSMISSION-SIG": sign("sha256", Buffer.from(message), input.privateKeyPem).toString("base64"),
    "PAYPAL-CERT-URL": input.certUrl,
    "PAYPAL-AUTH-ALGO": "SHA256withRSA",
  };
}

/**
 * A fresh RSA key and self-signed cert per run. `openssl req -x509` (3.0) can't backdate notBefore,
 * so the CSR is self-signed with `openssl ca`, valid from a day ago (clock skew) to 30 days ahead.
 * The temp dir is removed as soon as the PEMs are in memory.
 */
async function makeCertificate() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "fake-paypal-"));
  const file = (name: string) => path.join(dir, name);
  const asn1 = (days: number) =>
    `${iso(Date.now() + days * 86_400_000)
      .replace(/[-:T]/g, "")
      .slice(0, 14)}Z`;
  const openssl = (...args: string[]) => promisify(execFile)("openssl", args);
  try {
    await writeFile(file("index.txt"), "");
    const ca = ["[ca]", "default_ca = fake", "[fake]", `database = ${file("index.txt")}`, `new_certs_dir = ${dir}`, "rand_serial = yes", "default_md = sha256"]
      .concat(["policy = policy_any", "unique_subject = no", "x509_extensions = ext", "[policy_any]", "commonName = supplied"])
      .concat(["[ext]", "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature", ""]);
    await writeFile(file("ca.cnf"), ca.join("\n"));
    await openssl(
      "req",
      "-new",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      file("key.pem"),
      "-out",
      file("req.csr"),
      "-subj",
      "/CN=messageverificationcerts.paypal.com",
    );
    await openssl(
      "ca",
      "-batch",
      "-notext",
      "-selfsign",
      "-config",
      file("ca.cnf"),
      "-keyfile",
      file("key.pem"),
      "-in",
      file("req.csr"),
      "-out",
      file("cert.pem"),
      "-startdate",
      asn1(-1),
      "-enddate",
      asn1(30),
    );
    return { certPem: await readFile(file("cert.pem"), "utf8"), privateKeyPem: await readFile(file("key.pem"), "utf8") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const MISSING = ["MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing."] as const;
const SYNTAX = ["INVALID_PARAMETER_SYNTAX", "The value of a field does not conform to the expected format."] as const;

/** Checks a create-order body; schema problems are 400 INVALID_REQUEST, business rules 422. */
function validateOrder(input: Json, merchants: Map<string, FakeMerchant>): Reply | { units: PurchaseUnit[]; context: FakeOrder["experience_context"] } {
  const problems: (Detail & { status: number })[] = [];
  const fail = (status: number, field: string, value: unknown, [issue, description]: readonly [string, string]) =>
    problems.push({ status, field, ...(value === undefined ? {} : { value: String(value) }), location: "body", issue, description });
  const validUrl = (u: unknown) => typeof u === "string" && URL.canParse(u) && /^https?:$/.test(new URL(u).protocol);

  if (input.intent === undefined) fail(400, "/intent", undefined, MISSING);
  else if (input.intent !== "CAPTURE") fail(400, "/intent", input.intent, ["INVALID_PARAMETER_VALUE", "The fake supports only intent CAPTURE."]);
  const units: Json[] = Array.isArray(input.purchase_units) ? input.purchase_units : [];
  if (!units.length) fail(400, "/purchase_units", undefined, MISSING);
  units.forEach((unit, i) => {
    const at = `/purchase_units/${i}/amount`;
    const { currency_code: currency, value } = unit?.amount ?? {};
    if (currency === undefined) fail(400, `${at}/currency_code`, undefined, MISSING);
    else if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) fail(400, `${at}/currency_code`, currency, SYNTAX);
    if (value === undefined) fail(400, `${at}/value`, undefined, MISSING);
    else if (typeof value !== "string" || !/^\d{1,10}(\.\d+)?$/.test(value)) fail(400, `${at}/value`, value, SYNTAX);
    else if (typeof currency === "string" && (value.split(".")[1]?.length ?? 0) !== digits(currency))
      fail(422, `${at}/value`, value, ["DECIMAL_PRECISION", `${currency} amounts take exactly ${digits(currency)} decimal places.`]);
    else if (Number(value) <= 0) fail(422, `${at}/value`, value, ["CANNOT_BE_ZERO_OR_NEGATIVE", "Must be greater than zero."]);
    const payee = unit?.payee?.merchant_id;
    const merchant = payee === undefined ? undefined : merchants.get(payee);
    if (payee !== undefined && (!merchant || !merchant.consent || !merchant.payments_receivable))
      fail(422, `/purchase_units/${i}/payee/merchant_id`, payee, [
        "PAYEE_ACCOUNT_INVALID",
        "Payee account specified is invalid. Please check the `payee.email_address` or `payee.merchant_id` specified in your request.",
      ]);
  });
  const context = input.payment_source?.paypal?.experience_context ?? {};
  const ctx = "/payment_source/paypal/experience_context";
  if (context.return_url === undefined) fail(400, `${ctx}/return_url`, undefined, MISSING);
  else if (!validUrl(context.return_url)) fail(400, `${ctx}/return_url`, context.return_url, SYNTAX);
  if (context.cancel_url !== undefined && !validUrl(context.cancel_url)) fail(400, `${ctx}/cancel_url`, context.cancel_url, SYNTAX);

  if (problems.length) {
    const status = problems.some((p) => p.status === 400) ? 400 : 422;
    return apiError(
      status,
      status === 400 ? "INVALID_REQUEST" : "UNPROCESSABLE_ENTITY",
      problems.filter((p) => p.status === status).map(({ status: _, ...d }) => d),
    );
  }
  return {
    context,
    units: units.map((u, i) => {
      const merchant = u.payee?.merchant_id ? merchants.get(u.payee.merchant_id) : undefined;
      const payee = merchant ? { email_address: merchant.email, merchant_id: merchant.merchant_id } : PAYEE;
      return {
        reference_id: u.reference_id ?? (i ? String(i) : "default"),
        custom_id: u.custom_id,
        invoice_id: u.invoice_id,
        description: u.description,
        amount: { currency_code: u.amount.currency_code, value: u.amount.value },
        payee,
      };
    }),
  };
}

const resourceType = (eventType: string) =>
  eventType === "MERCHANT.ONBOARDING.COMPLETED"
    ? "merchant-onboarding"
    : eventType === "MERCHANT.PARTNER-CONSENT.REVOKED"
      ? "partner-consent"
      : eventType === "PAYMENT.CAPTURE.REFUNDED"
        ? "refund"
        : eventType.startsWith("PAYMENT.CAPTURE.")
          ? "capture"
          : eventType.startsWith("CUSTOMER.DISPUTE.")
            ? "dispute"
            : "checkout-order";

const SUMMARIES: Record<string, (amount: string, r: Json) => string> = {
  "PAYMENT.CAPTURE.COMPLETED": (a) => `Payment completed for ${a}`,
  "PAYMENT.CAPTURE.PENDING": (a) => `Payment pending for ${a}`,
  "PAYMENT.CAPTURE.DENIED": (a) => `A payment capture for ${a} was denied`,
  "PAYMENT.CAPTURE.REFUNDED": (a) => `A ${a} capture payment was refunded`,
  "CUSTOMER.DISPUTE.CREATED": (_, r) => `A new dispute opened with Case # ${r.dispute_id}`,
  "MERCHANT.ONBOARDING.COMPLETED": () => "The merchant account setup is completed",
  "MERCHANT.PARTNER-CONSENT.REVOKED": () => "The Account setup consents has been revoked or the merchant account is closed",
};
const summarize = (eventType: string, r: Json) => {
  const m = r.amount ?? r.dispute_amount;
  return SUMMARIES[eventType]?.(m ? `${m.value} ${m.currency_code}` : "", r) ?? eventType;
};

export async function startFakePayPal(options: {
  clientId: string;
  clientSecret: string;
  webhookId: string;
  webhookUrl?: string;
  port?: number;
  partnerMerchantId?: string;
}): Promise<FakePayPal> {
  const { certPem, privateKeyPem } = await makeCertificate();
  const orders = new Map<string, FakeOrder>();
  const tokens = new Map<string, number>();
  const orderByRequestId = new Map<string, string>();
  const captureReplies = new Map<string, { status: number; body: string }>();
  const captures = new Map<string, { order: FakeOrder; capture: FakeCapture; refundedMinor: number }>();
  const requests: RecordedRequest[] = [];
  let certFetches = 0;
  let webhookUrl = options.webhookUrl;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (res.headersSent) res.destroy();
      else json(res, { status: 500, body: { name: "INTERNAL_SERVER_ERROR", message: String(error), debug_id: debugId() } });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const certUrl = `${base}${CERT_PATH}`;

  const json = (res: http.ServerResponse, { status, body }: Reply | { status: number; body: string }) =>
    res.writeHead(status, { "Content-Type": "application/json", "PayPal-Debug-Id": debugId() }).end(typeof body === "string" ? body : JSON.stringify(body));
  const html = (res: http.ServerResponse, status: number, title: string, body: string) => {
    const page = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;
    res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" }).end(page);
  };

  const orderLinks = (o: FakeOrder): Link[] => [
    { href: `${base}/v2/checkout/orders/${o.id}`, rel: "self", method: "GET" },
    ...(o.status === "PAYER_ACTION_REQUIRED" ? [{ href: `${base}/checkoutnow?token=${o.id}`, rel: "payer-action", method: "GET" }] : []),
    ...(o.status === "APPROVED" ? [{ href: `${base}/v2/checkout/orders/${o.id}/capture`, rel: "capture", method: "POST" }] : []),
  ];
  const paymentSource = (o: FakeOrder) => ({
    paypal: o.payer ? { email_address: o.payer.email_address, account_id: o.payer.payer_id, name: o.payer.name } : {},
  });
  const view = (o: FakeOrder): Json => {
    const { experience_context: _, ...rest } = o;
    return structuredClone({ ...rest, payment_source: paymentSource(o), links: orderLinks(o) });
  };

  function approve(orderId: string) {
    const order = orders.get(orderId);
    if (!order) throw new Error(`FakePayPal: unknown order ${orderId}`);
    if (order.status === "COMPLETED") throw new Error(`FakePayPal: order ${orderId} is already captured`);
    Object.assign(order, { status: "APPROVED", payer: FAKE_PAYER, update_time: iso() });
    return view(order);
  }

  function captureOrder(order: FakeOrder): Reply {
    if (order.status === "COMPLETED")
      return apiError(422, "UNPROCESSABLE_ENTITY", [
        { issue: "ORDER_ALREADY_CAPTURED", description: "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed." },
      ]);
    if (order.status !== "APPROVED")
      return apiError(422, "UNPROCESSABLE_ENTITY", [{ issue: "ORDER_NOT_APPROVED", description: "Payer has not yet approved the Order for payment." }]);
    const now = iso();
    for (const unit of order.purchase_units) {
      const { currency_code: currency } = unit.amount;
      const gross = toMinor(unit.amount);
      const fee = Math.min(gross, Math.round(gross * 0.0349) + (digits(currency) ? 49 : 40));
      const id = paypalId();
      const capture: FakeCapture = {
        id,
        status: fake.captureStatus,
        ...(fake.captureStatus === "PENDING" ? { status_details: { reason: "PENDING_REVIEW" } } : {}),
        amount: unit.amount,
        payee: unit.payee,
        final_capture: true,
        custom_id: unit.custom_id,
        invoice_id: unit.invoice_id,
        seller_protection: { status: "ELIGIBLE", dispute_categories: ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"] },
        seller_receivable_breakdown: { gross_amount: unit.amount, paypal_fee: money(currency, fee), net_amount: money(currency, gross - fee) },
        create_time: now,
        update_time: now,
        links: [
          { href: `${base}/v2/payments/captures/${id}`, rel: "self", method: "GET" },
          { href: `${base}/v2/payments/captures/${id}/refund`, rel: "refund", method: "POST" },
          { href: `${base}/v2/checkout/orders/${order.id}`, rel: "up", method: "GET" },
        ],
      };
      unit.payments = { captures: [capture] };
      captures.set(id, { order, capture, refundedMinor: 0 });
    }
    Object.assign(order, { status: "COMPLETED", update_time: now });
    const purchase_units = order.purchase_units.map((u) => ({ reference_id: u.reference_id, payments: u.payments }));
    const links = [{ href: `${base}/v2/checkout/orders/${order.id}`, rel: "self", method: "GET" }];
    return {
      status: 201,
      body: structuredClone({ id: order.id, status: order.status, payment_source: paymentSource(order), purchase_units, payer: order.payer, links }),
    };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", base);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const contentType = req.headers["content-type"] ?? "";
    let body: unknown = raw || undefined;
    let malformed = false;
    if (raw && contentType.includes("application/json")) {
      try {
        body = JSON.parse(raw);
      } catch {
        malformed = true;
      }
    } else if (contentType.includes("application/x-www-form-urlencoded")) body = Object.fromEntries(new URLSearchParams(raw));
    requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, headers: req.headers, body });

    if (req.method === "POST" && url.pathname === "/v1/oauth2/token") {
      const [scheme, encoded = ""] = (req.headers.authorization ?? "").split(" ");
      if (scheme !== "Basic" || Buffer.from(encoded, "base64").toString() !== `${options.clientId}:${options.clientSecret}`)
        return json(res, { status: 401, body: { error: "invalid_client", error_description: "Client Authentication failed" } });
      if (new URLSearchParams(raw).get("grant_type") !== "client_credentials")
        return json(res, { status: 400, body: { error: "unsupported_grant_type", error_description: "Grant Type is NULL" } });
      const token = `A21AA${randomBytes(32).toString("base64url")}`;
      tokens.set(token, Date.now() + 32_400_000);
      const scope = "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund";
      return json(res, {
        status: 200,
        body: {
          scope,
          access_token: token,
          token_type: "Bearer",
          app_id: "APP-80W284485P519543T",
          expires_in: 32400,
          nonce: `${iso()}${randomBytes(16).toString("base64url")}`,
        },
      });
    }
    if (req.method === "GET" && url.pathname === CERT_PATH) {
      certFetches++;
      return res.writeHead(200, { "Content-Type": "text/plain" }).end(certPem);
    }
    if (url.pathname === "/checkoutnow") return checkoutPage(req, res, url);
    if (url.pathname === ONBOARDING_PATH) return onboardingPage(req, res, url, raw);
    if (await handlePartnerApi(req, res, url, body, malformed, contentType)) return;

    const route = /^\/v2\/(checkout\/orders|payments\/captures)(?:\/([A-Za-z0-9-]+)(\/capture)?)?$/.exec(url.pathname);
    if (!route) return json(res, notFoundError());
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!bearer || (tokens.get(bearer) ?? 0) < Date.now()) return json(res, apiError(401, "AUTHENTICATION_FAILURE"));
    if (req.method === "POST" && !contentType.includes("application/json")) return json(res, apiError(415, "UNSUPPORTED_MEDIA_TYPE"));
    if (malformed)
      return json(res, apiError(400, "INVALID_REQUEST", [{ issue: "MALFORMED_REQUEST_JSON", description: "The request JSON is not well formed." }]));
    const requestId = req.headers["paypal-request-id"] as string | undefined;
    const [, collection, id, captureSuffix] = route;
    const notFound = () => json(res, notFoundError());

    if (collection === "payments/captures") {
      const entry = req.method === "GET" && id && !captureSuffix ? captures.get(id) : undefined;
      return entry ? json(res, { status: 200, body: entry.capture }) : notFound();
    }
    if (req.method === "POST" && !id) {
      const replayed = requestId ? orders.get(orderByRequestId.get(requestId) ?? "") : undefined;
      if (replayed) return json(res, { status: 200, body: createReply(replayed) });
      const checked = validateOrder(body && typeof body === "object" ? (body as Json) : {}, merchants);
      if ("status" in checked) return json(res, checked);
      const now = iso();
      const order: FakeOrder = {
        id: paypalId(),
        intent: "CAPTURE",
        status: "PAYER_ACTION_REQUIRED",
        purchase_units: checked.units,
        experience_context: checked.context,
        create_time: now,
        update_time: now,
      };
      orders.set(order.id, order);
      if (requestId) orderByRequestId.set(requestId, order.id);
      return json(res, { status: 201, body: createReply(order) });
    }
    const order = id ? orders.get(id) : undefined;
    if (!order) return notFound();
    if (req.method === "GET" && !captureSuffix) return json(res, { status: 200, body: view(order) });
    if (req.method !== "POST" || !captureSuffix) return notFound();
    const key = requestId && `${order.id}:${requestId}`;
    const replay = key ? captureReplies.get(key) : undefined;
    if (replay) return json(res, replay);
    const result = captureOrder(order);
    const reply = { status: result.status, body: JSON.stringify(result.body) };
    if (key && result.status === 201) captureReplies.set(key, reply);
    return json(res, reply);
  }

  const createReply = (o: FakeOrder) => ({ id: o.id, status: o.status, payment_source: paymentSource(o), links: orderLinks(o) });

  function checkoutPage(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const order = orders.get(url.searchParams.get("token") ?? "");
    if (!order) return html(res, 404, "PayPal", "<h1>Checkout not found</h1><p>This checkout link is invalid or has expired.</p>");
    if (order.status === "COMPLETED") return html(res, 409, "PayPal", "<h1>Already paid</h1><p>This payment has already been completed.</p>");
    if (req.method === "POST") {
      approve(order.id);
      const back = new URL(order.experience_context.return_url);
      back.searchParams.set("token", order.id);
      back.searchParams.set("PayerID", FAKE_PAYER.payer_id);
      return res.writeHead(303, { Location: back.href }).end();
    }
    if (req.method !== "GET") return html(res, 405, "PayPal", "<h1>Method not allowed</h1>");
    const { brand_name: brand, cancel_url: cancel } = order.experience_context;
    const units = order.purchase_units
      .map((u) => `${u.description ? `<p>${escapeHtml(u.description)}</p>` : ""}<p>Total: <strong>${u.amount.value} ${u.amount.currency_code}</strong></p>`)
      .join("");
    const page =
      `<h1>PayPal Checkout</h1>${brand ? `<p>Paying ${escapeHtml(brand)}</p>` : ""}${units}<p>Logged in as ${FAKE_PAYER.email_address}</p>` +
      `<form method="post" action="/checkoutnow?token=${order.id}"><button type="submit">Pay with PayPal</button></form>` +
      (cancel ? `<p><a href="${escapeHtml(cancel)}">Cancel and return</a></p>` : "");
    return html(res, 200, "PayPal Checkout", page);
  }

  const findCapture = (captureId: string) => {
    const entry = captures.get(captureId);
    if (!entry) throw new Error(`FakePayPal: unknown capture ${captureId}`);
    return entry;
  };

  async function sendWebhook(first: string | WebhookEvent, second?: object, third?: SendWebhookOptions): Promise<WebhookDelivery> {
    const [eventType, resource, opts = {}] =
      typeof first === "string" ? [first, second ?? {}, third] : [first.eventType, first.resource, second as SendWebhookOptions | undefined];
    if (!webhookUrl) throw new Error("FakePayPal: no webhook URL; pass webhookUrl or call setWebhookUrl()");
    const envelope: Json = {
      id: opts.id ?? `WH-${paypalId()}-${paypalId()}`,
      event_version: "1.0",
      create_time: iso(),
      resource_type: resourceType(eventType),
      resource_version: "2.0",
      event_type: eventType,
      summary: summarize(eventType, resource),
      resource,
      links: [],
    };
    const signed = JSON.stringify(envelope);
    const headers = signPayPalWebhook({
      body: signed,
      webhookId: opts.webhookId ?? options.webhookId,
      privateKeyPem,
      certUrl: opts.certUrl ?? certUrl,
      transmissionTime: opts.transmissionTime,
    });
    if (opts.signature !== undefined) headers["PAYPAL-TRANSMISSION-SIG"] = opts.signature;
    if (opts.omitHeader) for (const name of Object.keys(headers)) if (name.toLowerCase() === opts.omitHeader.toLowerCase()) delete headers[name];
    let sent = signed;
    if (opts.tamperBody) {
      // What an attacker would change: the amount (and the summary, so the body differs even without one).
      const forged = structuredClone(envelope);
      forged.summary += " ";
      if (forged.resource.amount) forged.resource.amount.value = "0.01";
      sent = JSON.stringify(forged);
    }
    const response = await fetch(webhookUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "PayPal/AUT-JAVA", ...headers },
      body: sent,
    });
    return { status: response.status, body: await response.text(), event: JSON.parse(sent) };
  }

  // ==== Partner Referrals, merchant-integrations, capture refunds, MERCHANT.* (partner mode) ==========
  const merchants = new Map<string, FakeMerchant>();
  const referrals = new Map<string, FakeReferral>();
  const apiRefunds: FakeRefund[] = [];
  const refundReplies = new Map<string, Reply>();
  const background = new Set<Promise<unknown>>();
  const partnerFailures: number[] = [];
  let partnerDelay = 0;
  const partnerId = options.partnerMerchantId;

  /** Sends a webhook in the background, as PayPal does some time after the call that caused it. */
  const sendLater = (event: WebhookEvent) => {
    if (!fake.autoWebhooks || !webhookUrl) return;
    const sent = sendWebhook(event)
      .catch(() => undefined)
      .finally(() => background.delete(sent));
    background.add(sent);
  };

  const onboardingEvent = (m: FakeMerchant): WebhookEvent => ({
    eventType: "MERCHANT.ONBOARDING.COMPLETED",
    resource: {
      partner_client_id: options.clientId,
      links: [
        {
          href: `${base}/v1/customer/partners/${partnerId ?? "PARTNER"}/merchant-integrations/${m.merchant_id}`,
          rel: "self",
          method: "GET",
          description: "Get the merchant status information of merchants onboarded by this partner",
        },
      ],
      merchant_id: m.merchant_id,
      tracking_id: m.tracking_id,
    },
  });

  /** PayPal's sign-up and consent, as a plain HTML form: "Agree and connect" creates (or reuses) the merchant and returns. */
  function onboardingPage(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string) {
    const referral = referrals.get(url.searchParams.get("token") ?? "");
    if (!referral) return html(res, 404, "PayPal", "<h1>Sign-up link not found</h1><p>This link is invalid or has expired.</p>");
    if (req.method === "POST") {
      const form = new URLSearchParams(raw);
      const next = fake.nextOnboarding ?? {};
      fake.nextOnboarding = null;
      const merchantId = next.merchantId ?? paypalId().slice(0, 13);
      const merchant: FakeMerchant = {
        merchant_id: merchantId,
        tracking_id: referral.tracking_id,
        email: form.get("email") || referral.email || `seller-${merchantId.toLowerCase()}@example.com`,
        payments_receivable: next.paymentsReceivable ?? true,
        primary_email_confirmed: next.emailConfirmed ?? true,
        consent: true,
      };
      merchants.set(merchantId, merchant);
      const back = new URL(referral.return_url);
      const params = {
        merchantId: referral.tracking_id,
        merchantIdInPayPal: merchantId,
        permissionsGranted: "true",
        consentStatus: "true",
        productIntentId: "addipmt",
        productIntentID: "addipmt",
        isEmailConfirmed: String(merchant.primary_email_confirmed),
        accountStatus: "BUSINESS_ACCOUNT",
      };
      for (const [k, v] of Object.entries(params)) back.searchParams.set(k, v);
      sendLater(onboardingEvent(merchant));
      return res.writeHead(303, { Location: back.href }).end();
    }
    if (req.method !== "GET") return html(res, 405, "PayPal", "<h1>Method not allowed</h1>");
    const action = `${ONBOARDING_PATH}?token=${encodeURIComponent(referral.token)}`;
    return html(
      res,
      200,
      "PayPal: connect your account",
      `<h1>Connect your PayPal business account</h1><p>Invoice Link asks to take payments and issue refunds on your behalf.</p>` +
        `<form method="post" action="${escapeHtml(action)}"><label for="email">Email</label><input id="email" name="email" type="email" value="${escapeHtml(referral.email ?? "")}">` +
        `<button type="submit">Agree and connect</button></form>`,
    );
  }

  /** Reads PayPal-Auth-Assertion: an unsigned JWT whose payload names iss (our client id) and payer_id (the merchant). */
  function assertedMerchant(header: string | undefined): string | null {
    if (!header) return null;
    const [head, payload, signature] = header.split(".");
    try {
      if (signature !== "" || JSON.parse(Buffer.from(head, "base64url").toString()).alg !== "none") return null;
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
      return claims.iss === options.clientId && typeof claims.payer_id === "string" ? claims.payer_id : null;
    } catch {
      return null;
    }
  }

  /** The partner endpoints; false when the path is not one of them. */
  async function handlePartnerApi(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    body: unknown,
    malformed: boolean,
    contentType: string,
  ): Promise<boolean> {
    const referralPath = url.pathname === "/v2/customer/partner-referrals";
    const integration = /^\/v1\/customer\/partners\/([^/]+)\/merchant-integrations\/([^/]+)$/.exec(url.pathname);
    const refund = /^\/v2\/payments\/captures\/([A-Za-z0-9-]+)\/refund$/.exec(url.pathname);
    if (!referralPath && !integration && !refund) return false;
    const done = (reply: Reply | { status: number; body: string }) => {
      json(res, reply);
      return true;
    };
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!bearer || (tokens.get(bearer) ?? 0) < Date.now()) return done(apiError(401, "AUTHENTICATION_FAILURE"));
    if (partnerDelay) await new Promise((resolve) => setTimeout(resolve, partnerDelay));
    if (res.destroyed || req.socket.destroyed) return true; // the client timed out and went away
    const failure = partnerFailures.shift();
    if (failure) return done({ status: failure, body: { name: "INTERNAL_SERVER_ERROR", message: "An internal server error occurred.", debug_id: debugId() } });
    if (req.method === "POST" && !contentType.includes("application/json")) return done(apiError(415, "UNSUPPORTED_MEDIA_TYPE"));
    if (malformed) return done(apiError(400, "INVALID_REQUEST", [{ issue: "MALFORMED_REQUEST_JSON", description: "The request JSON is not well formed." }]));
    const input = (body && typeof body === "object" ? body : {}) as Json;

    if (referralPath && req.method === "POST") {
      const op = input.operations?.[0];
      const returnUrl = input.partner_config_override?.return_url;
      const problems: Detail[] = [];
      if (typeof input.tracking_id !== "string" || !input.tracking_id || input.tracking_id.length > 127)
        problems.push({
          field: "/tracking_id",
          location: "body",
          issue: "INVALID_PARAMETER_VALUE",
          description: "tracking_id is required (at most 127 characters).",
        });
      if (op?.operation !== "API_INTEGRATION" || op?.api_integration_preference?.rest_api_integration?.integration_type !== "THIRD_PARTY")
        problems.push({
          field: "/operations/0",
          location: "body",
          issue: "INVALID_PARAMETER_VALUE",
          description: "The fake supports API_INTEGRATION with integration_type THIRD_PARTY.",
        });
      if (typeof returnUrl !== "string" || !URL.canParse(returnUrl))
        problems.push({
          field: "/partner_config_override/return_url",
          location: "body",
          issue: "INVALID_PARAMETER_SYNTAX",
          description: "return_url must be a URL.",
        });
      if (problems.length) return done(apiError(400, "INVALID_REQUEST", problems));
      const token = randomBytes(24).toString("base64url");
      referrals.set(token, { token, tracking_id: input.tracking_id, return_url: returnUrl, email: input.email, body: input });
      const links = [
        { href: `${base}/v2/customer/partner-referrals/${token}`, rel: "self", method: "GET", description: "Read Referral Data shared by the Caller." },
        {
          href: `${base}${ONBOARDING_PATH}?token=${token}`,
          rel: "action_url",
          method: "GET",
          description: "Target WEB REDIRECT URL for the next action. Customer should be redirected to this URL in the browser.",
        },
      ];
      return done({ status: 201, body: { links } });
    }

    if (integration && req.method === "GET") {
      const merchant = merchants.get(decodeURIComponent(integration[2]));
      if ((partnerId && decodeURIComponent(integration[1]) !== partnerId) || !merchant || !merchant.consent) return done(notFoundError());
      return done({
        status: 200,
        body: {
          merchant_id: merchant.merchant_id,
          tracking_id: merchant.tracking_id,
          products: [{ name: "EXPRESS_CHECKOUT", vetting_status: "SUBSCRIBED", capabilities: ["ACCESS_MERCHANT_INFORMATION"] }],
          payments_receivable: merchant.payments_receivable,
          primary_email_confirmed: merchant.primary_email_confirmed,
          primary_email: merchant.email,
          oauth_integrations: [
            {
              integration_type: "OAUTH_THIRDPARTY",
              integration_method: "PAYPAL",
              oauth_third_party: [
                {
                  partner_client_id: options.clientId,
                  merchant_client_id: `merchant-${merchant.merchant_id}`,
                  scopes: ["https://uri.paypal.com/services/payments/realtimepayment", "https://uri.paypal.com/services/payments/refund"],
                },
              ],
            },
          ],
        },
      });
    }

    if (refund && req.method === "POST") {
      const captureId = refund[1];
      const entry = captures.get(captureId);
      if (!entry) return done(notFoundError());
      const requestId = req.headers["paypal-request-id"] as string | undefined;
      const replayKey = requestId && `${captureId}:${requestId}`;
      const replay = replayKey ? refundReplies.get(replayKey) : undefined;
      if (replay) return done(replay);
      // A capture paid to a connected merchant is refunded only on that merchant's behalf, with consent.
      const payee = (entry.capture.payee as Payee | undefined)?.merchant_id ?? PAYEE.merchant_id;
      const asserted = assertedMerchant(req.headers["paypal-auth-assertion"] as string | undefined);
      const owner = merchants.get(payee);
      if ((owner && (asserted !== payee || !owner.consent)) || (!owner && asserted !== null && asserted !== payee)) {
        return done(
          apiError(403, "NOT_AUTHORIZED", [
            { issue: "PERMISSION_DENIED", description: "You do not have permission to access or perform operations on this resource." },
          ]),
        );
      }
      const currency = entry.capture.amount.currency_code;
      const remaining = toMinor(entry.capture.amount) - entry.refundedMinor;
      const wanted: Money | undefined = input.amount;
      if (wanted && (wanted.currency_code !== currency || typeof wanted.value !== "string" || !/^\d+(\.\d+)?$/.test(wanted.value))) {
        return done(
          apiError(422, "UNPROCESSABLE_ENTITY", [
            {
              field: "/amount",
              location: "body",
              issue: "CURRENCY_MISMATCH",
              description: "Currency of refund must be the same as the currency of the capture.",
            },
          ]),
        );
      }
      const minor = wanted ? toMinor(wanted) : remaining;
      if (entry.capture.status !== "COMPLETED" && entry.capture.status !== "PARTIALLY_REFUNDED") {
        return done(apiError(422, "UNPROCESSABLE_ENTITY", [{ issue: "CAPTURE_FULLY_REFUNDED", description: "The capture has already been fully refunded." }]));
      }
      if (minor <= 0 || minor > remaining) {
        return done(
          apiError(422, "UNPROCESSABLE_ENTITY", [
            {
              issue: "REFUND_AMOUNT_EXCEEDED",
              description: "The refund amount must be less than or equal to the capture amount that has not yet been refunded.",
            },
          ]),
        );
      }
      const event = fake.refund(captureId, money(currency, minor).value);
      const id = event.resource.id as string;
      apiRefunds.push({
        id,
        captureId,
        amount: money(currency, minor),
        requestId,
        authAssertion: req.headers["paypal-auth-assertion"] as string | undefined,
        note: input.note_to_payer,
      });
      const reply: Reply = { status: 201, body: { id, status: "COMPLETED", links: event.resource.links } };
      if (replayKey) refundReplies.set(replayKey, reply);
      sendLater(event);
      return done(reply);
    }
    return done(notFoundError());
  }
  // ==== end of partner mode =========================================================================

  const fake: FakePayPal = {
    url: base,
    port,
    certUrl,
    certPem,
    privateKeyPem,
    get certFetches() {
      return certFetches;
    },
    requests,
    orders,
    captureStatus: "COMPLETED",
    setWebhookUrl: (url) => void (webhookUrl = url),
    approve,
    capture(orderId) {
      const order = orders.get(orderId);
      if (!order) throw new Error(`FakePayPal: unknown order ${orderId}`);
      const result = captureOrder(order);
      if (result.status !== 201) throw new Error(`FakePayPal: capture failed: ${result.body.details[0].issue}`);
      return result.body;
    },
    sendWebhook,
    captureCompletedEvent(orderId, status = "COMPLETED") {
      const capture = orders.get(orderId)?.purchase_units[0].payments?.captures[0];
      if (!capture) throw new Error(`FakePayPal: order ${orderId} has no capture`);
      // Orders v2 calls a denied capture DECLINED; refunded captures keep their refund status.
      const captureStatus = status === "DENIED" ? "DECLINED" : status;
      if (capture.status === "COMPLETED" || capture.status === "PENDING") {
        capture.status = captureStatus;
        if (captureStatus === "PENDING") capture.status_details = { reason: "PENDING_REVIEW" };
        else delete capture.status_details;
        capture.update_time = iso();
      }
      const resource = { ...structuredClone(capture), status: captureStatus, supplementary_data: { related_ids: { order_id: orderId } } };
      return { eventType: `PAYMENT.CAPTURE.${status}`, resource };
    },
    refund(captureId, value) {
      const entry = findCapture(captureId);
      const { capture } = entry;
      if (capture.status !== "COMPLETED" && capture.status !== "PARTIALLY_REFUNDED")
        throw new Error(`FakePayPal: cannot refund capture ${captureId}: it is ${capture.status}`);
      const currency = capture.amount.currency_code;
      const remaining = toMinor(capture.amount) - entry.refundedMinor;
      const minor = value === undefined ? remaining : toMinor({ currency_code: currency, value });
      if (minor <= 0 || minor > remaining)
        throw new Error(`FakePayPal: cannot refund ${value} ${currency}; ${money(currency, remaining).value} left on ${captureId}`);
      entry.refundedMinor += minor;
      const now = iso();
      Object.assign(capture, { status: remaining === minor ? "REFUNDED" : "PARTIALLY_REFUNDED", update_time: now });
      const id = paypalId();
      const amount = money(currency, minor);
      const resource = {
        id,
        status: "COMPLETED",
        amount,
        seller_payable_breakdown: {
          gross_amount: amount,
          paypal_fee: money(currency, 0),
          net_amount: amount,
          total_refunded_amount: money(currency, entry.refundedMinor),
        },
        custom_id: capture.custom_id,
        invoice_id: capture.invoice_id,
        create_time: now,
        update_time: now,
        links: [
          { rel: "up", href: `${base}/v2/payments/captures/${captureId}`, method: "GET" },
          { rel: "self", href: `${base}/v2/payments/refunds/${id}`, method: "GET" },
        ],
      };
      return { eventType: "PAYMENT.CAPTURE.REFUNDED", resource };
    },
    dispute(captureId, value) {
      const { capture } = findCapture(captureId);
      const now = iso();
      const disputeId = `PP-D-${randomInt(10_000, 100_000)}`;
      const transaction = { seller_transaction_id: captureId, create_time: capture.create_time, transaction_status: "COMPLETED", gross_amount: capture.amount };
      const resource = {
        dispute_id: disputeId,
        create_time: now,
        update_time: now,
        disputed_transactions: [
          {
            ...transaction,
            invoice_number: capture.invoice_id,
            custom: capture.custom_id,
            seller: { merchant_id: (capture.payee as Payee | undefined)?.merchant_id ?? PAYEE.merchant_id },
          },
        ],
        reason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
        status: "OPEN",
        dispute_amount: value === undefined ? capture.amount : { currency_code: capture.amount.currency_code, value },
        dispute_life_cycle_stage: "INQUIRY",
        dispute_channel: "INTERNAL",
        links: [{ href: `${base}/v1/customer/disputes/${disputeId}`, rel: "self", method: "GET" }],
      };
      return { eventType: "CUSTOMER.DISPUTE.CREATED", resource };
    },
    revokeTokens: () => tokens.clear(),
    merchants,
    referrals,
    apiRefunds,
    nextOnboarding: null,
    autoWebhooks: true,
    failNext: (...statuses) => void partnerFailures.push(...statuses),
    setDelay: (ms) => void (partnerDelay = ms),
    settled: async () => {
      while (background.size) await Promise.all([...background]);
    },
    onboardingCompletedEvent(merchantId) {
      const merchant = merchants.get(merchantId);
      if (!merchant) throw new Error(`FakePayPal: unknown merchant ${merchantId}`);
      return onboardingEvent(merchant);
    },
    revokeConsent(merchantId) {
      const merchant = merchants.get(merchantId);
      if (!merchant) throw new Error(`FakePayPal: unknown merchant ${merchantId}`);
      merchant.consent = false;
      return {
        eventType: "MERCHANT.PARTNER-CONSENT.REVOKED",
        resource: { merchant_id: merchant.merchant_id, tracking_id: merchant.tracking_id, partner_client_id: options.clientId },
      };
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
