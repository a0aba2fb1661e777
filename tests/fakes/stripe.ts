// A test-only fake of the slice of the Stripe HTTP API the app uses: Checkout Sessions, PaymentIntents
// (+ their Charge), a no-JavaScript hosted checkout page, and signed webhook delivery. The official SDK
// talks to it via `new Stripe(key, { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 })`.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

type Obj = Record<string, any>;
export type PaymentMethod = "card" | "us_bank_account";
export type Session = Obj & { id: string; status: "open" | "complete" | "expired"; payment_intent: string | null };
export type PaymentIntent = Obj & { id: string; status: "succeeded" | "processing" | "requires_payment_method"; latest_charge: string };
export type Charge = Obj & { id: string; amount: number; amount_refunded: number; payment_intent: string };
export type Dispute = Obj & { id: string; status: string };
export type Refund = Obj & { id: string; amount: number; payment_intent: string; status: string };
export type RecordedRequest = { method: string; path: string; headers: http.IncomingHttpHeaders; body: Obj; idempotencyKey?: string };
export type Delivery = { status: number; body: string };
export type SendEventOptions = { id?: string; secret?: string; timestamp?: number; rawBody?: string; signatureHeader?: string };

export type FakeStripe = {
  url: string;
  port: number;
  host: "127.0.0.1";
  requests: RecordedRequest[];
  sessions: Map<string, Session>;
  paymentIntents: Map<string, PaymentIntent>;
  charges: Map<string, Charge>;
  /** Every webhook delivery attempt, in order (status 0 when the app could not be reached). */
  deliveries: Array<{ event: Obj; status: number; body: string }>;
  setWebhookUrl(url: string): void;
  complete(sessionId: string, payment: { method: PaymentMethod; brand?: string; last4?: string }): Promise<{ paymentIntentId: string; chargeId: string; response: Delivery }>;
  settleAch(sessionId: string, succeeded: boolean): Promise<Delivery>;
  expire(sessionId: string): Promise<Delivery>;
  refund(paymentIntentId: string, amount?: number): Promise<Delivery>;
  dispute(paymentIntentId: string, status?: string): Promise<Delivery>;
  closeDispute(paymentIntentId: string, status: "won" | "lost"): Promise<Delivery>;
  sendEvent(type: string, object: object, opts?: SendEventOptions): Promise<Delivery>;
  failNext(count: number, status?: number): void;
  stop(): Promise<void>;
  // Refunds (POST /v1/refunds)
  refunds: Map<string, Refund>;
  /** Where connected accounts' events go (the Connect endpoint) and its secret; unset: the platform endpoint. */
  connectWebhook: { url?: string; secret?: string };
  /** Send refund.created and charge.refunded after each API refund, as Stripe does (default true). */
  autoRefundWebhooks: boolean;
  /** Answer POST /v1/refunds this much later (a client that gave up meanwhile gets nothing done). */
  setRefundDelay(ms: number): void;
  seedCharge(input: { account?: string | null; amount: number; currency?: string; metadata?: Obj }): { paymentIntentId: string; chargeId: string };
  /** Resolves when every refund webhook the fake sent by itself has been answered. */
  refundsSettled(): Promise<void>;
};

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

/** The `Stripe-Signature` header Stripe would send for this exact body (timestamp in seconds; 0 means now). */
export function signStripePayload(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** An event envelope shaped like the ones Stripe posts to webhook endpoints. */
export function stripeEvent(type: string, object: object, id = newId("evt")) {
  return {
    id,
    object: "event",
    api_version: Stripe.API_VERSION,
    created: now(),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  };
}

/** Parses Stripe's form encoding (`a[b][0][c]=x`, `list[]=y`) from a body or query string into nested objects/arrays. */
export function parseStripeForm(input: string): Obj {
  const root: Obj = {};
  for (const [key, value] of new URLSearchParams(input)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match) continue;
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
    if (path.some((p) => p === "__proto__" || p === "constructor" || p === "prototype")) continue;
    let node: any = root;
    path.forEach((segment, i) => {
      const slot = Array.isArray(node) && segment === "" ? node.length : segment;
      if (i === path.length - 1) node[slot] = value;
      else node = node[slot] ??= /^\d*$/.test(path[i + 1]) ? [] : {};
    });
  }
  return root;
}

/** Key-order-independent JSON, so an idempotent replay matches however the params were ordered. */
const canonical = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(canonical).join(",")}]`
  : v && typeof v === "object" ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Obj)[k])}`).join(",")}}`
  : JSON.stringify(v);

class StripeHttpError extends Error {
  constructor(public status: number, public error: Obj) {
    super(error.message);
  }
}
const invalid = (message: string, param?: string) => new StripeHttpError(400, { type: "invalid_request_error", message, ...(param ? { param } : {}) });
const missing = (what: string, id: string) => new StripeHttpError(404, { type: "invalid_request_error", code: "resource_missing", message: `No such ${what}: '${id}'`, param: "id" });
const isInt = (v: unknown) => typeof v === "string" && /^\d+$/.test(v);

// Top-level params the real endpoint accepts that the app might plausibly send; anything else gets
// Stripe's "unknown parameter" error, which catches typos the real API would reject.
const SESSION_PARAMS = new Set([
  "mode", "line_items", "allowed_payment_method_types", "excluded_payment_method_types", "success_url", "cancel_url",
  "client_reference_id", "customer_email", "customer", "metadata", "payment_intent_data", "expires_at", "locale",
  "submit_type", "expand", "payment_method_options", "allow_promotion_codes", "billing_address_collection", "customer_creation", "ui_mode",
]);

/** Validates create params; returns the payment method types the session will actually offer. */
function validateSessionParams(p: Obj): string[] {
  // SDK v23 pins API 2026-09-30.endive+, which dropped this param in favour of allowed_payment_method_types.
  if ("payment_method_types" in p) {
    throw invalid("Received unknown parameter: payment_method_types. Since API version 2026-09-30.endive, use allowed_payment_method_types.", "payment_method_types");
  }
  for (const key of Object.keys(p)) if (!SESSION_PARAMS.has(key)) throw invalid(`Received unknown parameter: ${key}`, key);
  if (!p.mode) throw invalid("Missing required param: mode.", "mode");
  if (p.mode !== "payment") throw invalid(`This fake only supports mode=payment, got ${p.mode}.`, "mode");
  for (const key of ["success_url", "cancel_url"]) {
    if (key === "success_url" && !p[key]) throw invalid("Missing required param: success_url.", key);
    if (p[key] !== undefined && !URL.canParse(p[key])) throw invalid("Not a valid URL", key);
  }
  if (p.customer_email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.customer_email)) throw invalid(`Invalid email address: ${p.customer_email}`, "customer_email");
  if (!Array.isArray(p.line_items) || p.line_items.length === 0) throw invalid("Missing required param: line_items.", "line_items");
  for (const [i, item] of (p.line_items as Obj[]).entries()) {
    const at = `line_items[${i}]`;
    const price = item?.price_data;
    if (!price) throw invalid(`Missing required param: ${at}[price_data].`, `${at}[price_data]`);
    if (!price.currency) throw invalid(`Missing required param: ${at}[price_data][currency].`, `${at}[price_data][currency]`);
    if (!isInt(price.unit_amount) || Number(price.unit_amount) <= 0) throw invalid(`Invalid positive integer: ${price.unit_amount ?? "(missing)"}`, `${at}[price_data][unit_amount]`);
    if (!price.product_data?.name) throw invalid(`Missing required param: ${at}[price_data][product_data][name].`, `${at}[price_data][product_data][name]`);
    if (!isInt(item.quantity) || Number(item.quantity) <= 0) throw invalid(`Missing required param: ${at}[quantity].`, `${at}[quantity]`);
    if (price.currency.toLowerCase() !== p.line_items[0].price_data.currency.toLowerCase()) throw invalid("All line items must use the same currency.", `${at}[price_data][currency]`);
  }
  // allowed_payment_method_types is a filter on what is eligible, not a demand: ACH is USD-only, so
  // it silently drops out for other currencies. Without the param the fake offers card only.
  const allowed: string[] = p.allowed_payment_method_types ?? ["card"];
  if (!Array.isArray(allowed)) throw invalid("Invalid array", "allowed_payment_method_types");
  const usd = p.line_items[0].price_data.currency.toLowerCase() === "usd";
  const offered = allowed.filter((t) => t !== "us_bank_account" || usd);
  if (offered.length === 0) throw invalid("No valid payment method types for this Checkout Session.", "allowed_payment_method_types");
  return offered;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
function formatAmount(minor: number, currency: string) {
  const fmt = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
  return fmt.format(minor / 10 ** (fmt.resolvedOptions().maximumFractionDigits ?? 2)); // JPY etc. have no minor unit
}
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

export async function startFakeStripe(options: { secretKey: string; webhookSecret: string; webhookUrl?: string; port?: number }): Promise<FakeStripe> {
  let webhookUrl = options.webhookUrl;
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const requests: RecordedRequest[] = [];
  const sessions = new Map<string, Session>();
  const paymentIntents = new Map<string, PaymentIntent>();
  const charges = new Map<string, Charge>();
  const disputes = new Map<string, Dispute>(); // by PaymentIntent id
  const deliveries: FakeStripe["deliveries"] = [];
  // Idempotency-Key -> the request it was first used with and the response it got.
  const idempotent = new Map<string, { fingerprint: string; status: number; body: Obj }>();

  const getSession = (id: string) => sessions.get(id) ?? (() => { throw missing("checkout.session", id); })();
  const getIntent = (id: string) => paymentIntents.get(id) ?? (() => { throw missing("payment_intent", id); })();
  const chargeOf = (piId: string) => charges.get(getIntent(piId).latest_charge)!;

  function createSession(p: Obj): Session {
    const offered = validateSessionParams(p);
    const id = newId("cs_test");
    const amount = p.line_items.reduce((sum: number, li: Obj) => sum + Number(li.price_data.unit_amount) * Number(li.quantity), 0);
    const created = now();
    return {
      id, object: "checkout.session", amount_total: amount, amount_subtotal: amount,
      currency: p.line_items[0].price_data.currency.toLowerCase(), client_reference_id: p.client_reference_id ?? null,
      customer_email: p.customer_email ?? null, customer_details: null, metadata: p.metadata ?? {}, mode: p.mode,
      payment_intent: null, allowed_payment_method_types: p.allowed_payment_method_types ?? null, payment_method_types: offered, payment_status: "unpaid", status: "open",
      success_url: p.success_url, cancel_url: p.cancel_url ?? null, url: `${fake.url}/c/pay/${id}`,
      expires_at: created + 24 * 3600, created, livemode: false,
      // Not part of Stripe's response: what the hosted page needs to build the PaymentIntent later.
      _line_items: p.line_items, _payment_intent_data: p.payment_intent_data ?? {},
    } as Session;
  }

  /** Strips the fake's private fields and applies `expand` (payment_intent, payment_intent.latest_charge, latest_charge). */
  const present = (o: Obj, expand: string[] = []): Obj => {
    const out = Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("_")));
    if (out.object === "checkout.session" && out.payment_intent && expand.some((e) => e.split(".")[0] === "payment_intent")) {
      out.payment_intent = present(getIntent(out.payment_intent), expand.filter((e) => e.startsWith("payment_intent.")).map((e) => e.slice(15)));
    }
    if (out.object === "payment_intent" && expand.includes("latest_charge")) out.latest_charge = { ...charges.get(out.latest_charge) };
    return out;
  };

  function handleApi(req: http.IncomingMessage, path: string, params: Obj, idempotencyKey?: string): { status: number; body: Obj } {
    if (req.headers.authorization !== `Bearer ${options.secretKey}`) {
      const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const message = key ? `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}` : "You did not provide an API key.";
      throw new StripeHttpError(401, { type: "invalid_request_error", message });
    }
    if (failures.count > 0) {
      // Injected before the endpoint starts executing, so (as with real Stripe) no idempotent result is saved.
      failures.count--;
      throw new StripeHttpError(failures.status, { type: "api_error", message: "An unknown error occurred (injected by the fake)." });
    }
    const expand = ([] as string[]).concat(params.expand ?? []);
    let m: RegExpExecArray | null;
    if (req.method === "POST" && path === "/v1/checkout/sessions") {
      const fingerprint = canonical(params);
      const previous = idempotencyKey ? idempotent.get(idempotencyKey) : undefined;
      if (previous && previous.fingerprint !== fingerprint) {
        throw new StripeHttpError(400, { type: "idempotency_error", message: "Keys for idempotent requests can only be used with the same parameters they were first used with." });
      }
      if (previous) return previous;
      const session = createSession(params);
      sessions.set(session.id, session);
      const result = { status: 200, body: present(session, expand) };
      if (idempotencyKey) idempotent.set(idempotencyKey, { fingerprint, ...result });
      return result;
    }
    if (req.method === "GET" && (m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path))) return { status: 200, body: present(getSession(m[1]), expand) };
    if (req.method === "GET" && (m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path))) return { status: 200, body: present(getIntent(m[1]), expand) };
    if (req.method === "POST" && path === "/v1/refunds") return createRefund(req, params, idempotencyKey);
    throw new StripeHttpError(404, { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${path}).` });
  }

  function checkoutPage(s: Session | undefined): { status: number; html: string } {
    if (!s || s.status === "expired") return { status: 404, html: page("Checkout session not found", "<p>This checkout session does not exist or has expired.</p>") };
    const amount = `<p>${escapeHtml(s._line_items[0].price_data.product_data.name)}</p><p>Amount due: <strong>${escapeHtml(formatAmount(s.amount_total, s.currency))}</strong> ${escapeHtml(s.currency.toUpperCase())}</p>`;
    if (s.status === "complete") return { status: 200, html: page("Checkout", `${amount}<p>This checkout session is complete.</p>`) };
    const action = escapeHtml(`/c/pay/${s.id}`);
    const form = (method: PaymentMethod, label: string) =>
      `<form method="post" action="${action}"><input type="hidden" name="method" value="${method}"><button type="submit">${label}</button></form>`;
    const types: string[] = s.payment_method_types;
    return {
      status: 200,
      html: page("Checkout", [
        amount,
        s.customer_email ? `<p>Email: ${escapeHtml(s.customer_email)}</p>` : "",
        types.includes("card") ? form("card", "Pay") : "",
        types.includes("us_bank_account") ? form("us_bank_account", "Pay by bank") : "",
        s.cancel_url ? `<p><a href="${escapeHtml(s.cancel_url)}">Cancel</a></p>` : "",
      ].join("")),
    };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", fake.url);
    const send = (status: number, type: string, body: string, headers: http.OutgoingHttpHeaders = {}) => {
      res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", ...headers }).end(body);
    };

    if (url.pathname.startsWith("/v1/")) {
      if (url.pathname === "/v1/refunds" && refundDelay) {
        await new Promise((resolve) => setTimeout(resolve, refundDelay));
        if (req.socket.destroyed) return; // the client timed out and went away: nothing was done
      }
      const params = parseStripeForm(req.method === "GET" ? url.search.slice(1) : raw);
      const idempotencyKey = req.method === "POST" ? (req.headers["idempotency-key"] as string | undefined) : undefined;
      requests.push({ method: req.method ?? "", path: url.pathname, headers: req.headers, body: params, ...(idempotencyKey ? { idempotencyKey } : {}) });
      const replayed = idempotencyKey !== undefined && idempotent.has(idempotencyKey);
      try {
        const { status, body } = handleApi(req, url.pathname, params, idempotencyKey);
        send(status, "application/json", JSON.stringify(body), {
          "Request-Id": newId("req"),
          ...(idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}),
          ...(replayed ? { "Idempotent-Replayed": "true" } : {}),
        });
      } catch (e) {
        if (!(e instanceof StripeHttpError)) throw e;
        send(e.status, "application/json", JSON.stringify({ error: e.error }), { "Request-Id": newId("req") });
      }
      return;
    }

    const m = /^\/c\/pay\/([^/]+)$/.exec(url.pathname);
    if (!m) return send(404, "text/plain; charset=utf-8", "Not found");
    const session = sessions.get(m[1]);
    if (req.method === "POST" && session?.status === "open") {
      const method = new URLSearchParams(raw).get("method") as PaymentMethod;
      if (!session.payment_method_types.includes(method)) return send(400, "text/plain; charset=utf-8", "Unsupported payment method");
      // Like real Stripe, the customer is redirected whether or not the webhook reached the app.
      await fake.complete(session.id, { method }).catch(() => {});
      return send(303, "text/plain; charset=utf-8", "", { Location: session.success_url.replaceAll("{CHECKOUT_SESSION_ID}", session.id) });
    }
    // GET, or a repeated POST (double-click, back button): show the page for the session's current state.
    const { status, html } = checkoutPage(session);
    send(status, "text/html; charset=utf-8", html);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(e?.stack ?? e));
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  const sessionEvent = (type: string, s: Session) => fake.sendEvent(type, present(s));

  // ==== Refunds (POST /v1/refunds), honouring Stripe-Account and Idempotency-Key ======================
  // Kept in one section: the Connect fake (accounts, account links) is built beside it. A PaymentIntent's
  // account is `intentAccounts` (set by seedCharge, or by the Connect fake's checkout); none is the platform.
  const intentAccounts = new Map<string, string>();
  const refunds = new Map<string, Refund>();
  const refundBackground = new Set<Promise<unknown>>();
  let refundDelay = 0;

  function createRefund(req: http.IncomingMessage, params: Obj, idempotencyKey?: string): { status: number; body: Obj } {
    const account = (req.headers["stripe-account"] as string | undefined) ?? null;
    const fingerprint = canonical({ account, params });
    const previous = idempotencyKey ? idempotent.get(`refund:${account}:${idempotencyKey}`) : undefined;
    if (previous && previous.fingerprint !== fingerprint) {
      throw new StripeHttpError(400, { type: "idempotency_error", message: "Keys for idempotent requests can only be used with the same parameters they were first used with." });
    }
    if (previous) return previous;
    for (const key of Object.keys(params)) if (!["payment_intent", "charge", "amount", "reason", "metadata", "expand"].includes(key)) throw invalid(`Received unknown parameter: ${key}`, key);
    const piId = params.payment_intent ?? [...paymentIntents.values()].find((pi) => pi.latest_charge === params.charge)?.id;
    if (!piId) throw invalid("One of the following params should be provided for this request: payment_intent or charge.");
    // An intent of another account does not exist as far as this account can tell.
    const pi = paymentIntents.get(piId);
    if (!pi || (intentAccounts.get(piId) ?? null) !== account) throw missing("payment_intent", piId);
    const charge = charges.get(pi.latest_charge)!;
    if (charge.status !== "succeeded") throw invalid(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`);
    const remaining = charge.amount - charge.amount_refunded;
    if (params.amount !== undefined && !isInt(params.amount)) throw invalid(`Invalid integer: ${params.amount}`, "amount");
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (charge.refunded || remaining <= 0) throw new StripeHttpError(400, { type: "invalid_request_error", code: "charge_already_refunded", message: `Charge ${charge.id} has already been refunded.` });
    if (amount <= 0 || amount > remaining) {
      throw new StripeHttpError(400, { type: "invalid_request_error", code: "amount_too_large", param: "amount", message: `Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(remaining / 100).toFixed(2)})` });
    }
    if (params.reason !== undefined && !["duplicate", "fraudulent", "requested_by_customer"].includes(params.reason)) throw invalid(`Invalid reason: ${params.reason}`, "reason");
    const refund: Refund = {
      id: newId("re"), object: "refund", amount, charge: charge.id, currency: charge.currency, payment_intent: pi.id, status: "succeeded",
      reason: params.reason ?? null, metadata: params.metadata ?? {}, created: now(), balance_transaction: newId("txn"), _account: account,
    };
    refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    const result = { status: 200, body: present(refund) };
    if (idempotencyKey) idempotent.set(`refund:${account}:${idempotencyKey}`, { fingerprint, ...result });
    // As Stripe does, a moment later: refund.created, then charge.refunded with the running total.
    if (fake.autoRefundWebhooks && webhookUrl) {
      const sent = (async () => {
        await sendAccountEvent("refund.created", present(refund), account);
        await sendAccountEvent("charge.refunded", { ...charge }, account);
      })()
        .catch(() => undefined)
        .finally(() => refundBackground.delete(sent));
      refundBackground.add(sent);
    }
    return result;
  }

  /** An event of `account` (a connected account's events carry `account` and go to the Connect endpoint), or of the platform. */
  async function sendAccountEvent(type: string, object: object, account: string | null) {
    if (!account) return fake.sendEvent(type, object);
    const url = fake.connectWebhook.url ?? webhookUrl!;
    const payload = JSON.stringify({ ...stripeEvent(type, object), account }, null, 2);
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signStripePayload(payload, fake.connectWebhook.secret ?? options.webhookSecret), "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" },
      body: payload,
      redirect: "manual",
    });
    const delivery = { status: res.status, body: await res.text() };
    deliveries.push({ event: JSON.parse(payload), ...delivery });
    return delivery;
  }

  /** A succeeded card payment on `account` (null: the platform), as if a customer had paid through Checkout there. */
  function seedCharge(input: { account?: string | null; amount: number; currency?: string; metadata?: Obj }) {
    const pi: PaymentIntent = {
      id: newId("pi"), object: "payment_intent", amount: input.amount, amount_received: input.amount, currency: input.currency ?? "usd", status: "succeeded",
      metadata: input.metadata ?? {}, payment_method_types: ["card"], latest_charge: newId("ch"), created: now(), livemode: false,
    };
    const charge: Charge = {
      id: pi.latest_charge, object: "charge", amount: pi.amount, amount_captured: pi.amount, amount_refunded: 0, currency: pi.currency, refunded: false, paid: true,
      payment_intent: pi.id, status: "succeeded", payment_method_details: { type: "card", card: { brand: "visa", last4: "4242" } }, created: now(), livemode: false,
    };
    paymentIntents.set(pi.id, pi);
    charges.set(charge.id, charge);
    if (input.account) intentAccounts.set(pi.id, input.account);
    return { paymentIntentId: pi.id, chargeId: charge.id };
  }
  // ==== end of refunds ==============================================================================

  const fake: FakeStripe = {
    url: `http://127.0.0.1:${port}`,
    port,
    host: "127.0.0.1",
    requests, sessions, paymentIntents, charges, deliveries,
    refunds,
    connectWebhook: {},
    autoRefundWebhooks: true,
    setRefundDelay: (ms) => void (refundDelay = ms),
    seedCharge,
    refundsSettled: async () => {
      while (refundBackground.size) await Promise.all([...refundBackground]);
    },
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    failNext(count, status = 500) {
      failures = { count, status };
    },

    async complete(sessionId, { method, brand = "visa", last4 }) {
      const s = getSession(sessionId);
      if (s.status !== "open") throw new Error(`checkout session ${sessionId} is ${s.status}, not open`);
      if (!s.payment_method_types.includes(method)) throw new Error(`checkout session ${sessionId} does not allow ${method}`);
      const card = method === "card";
      const pi: PaymentIntent = {
        id: newId("pi"), object: "payment_intent", amount: s.amount_total, amount_received: card ? s.amount_total : 0, currency: s.currency,
        status: card ? "succeeded" : "processing", metadata: s._payment_intent_data.metadata ?? {},
        description: s._payment_intent_data.description ?? null, payment_method_types: [method],
        latest_charge: newId("ch"), created: now(), livemode: false,
      };
      const charge: Charge = {
        id: pi.latest_charge, object: "charge", amount: pi.amount, amount_captured: pi.amount, amount_refunded: 0, currency: pi.currency,
        refunded: false, paid: card, payment_intent: pi.id, status: card ? "succeeded" : "pending",
        payment_method_details: card
          ? { type: "card", card: { brand, last4: last4 ?? "4242" } }
          : { type: "us_bank_account", us_bank_account: { bank_name: "STRIPE TEST BANK", last4: last4 ?? "6789" } },
        created: now(), livemode: false,
      };
      paymentIntents.set(pi.id, pi);
      charges.set(charge.id, charge);
      // ACH is "processing" for days: the session completes but stays unpaid until settleAch().
      Object.assign(s, { status: "complete", payment_intent: pi.id, payment_status: card ? "paid" : "unpaid", customer_details: { email: s.customer_email } });
      const response = await sessionEvent("checkout.session.completed", s);
      return { paymentIntentId: pi.id, chargeId: charge.id, response };
    },

    async settleAch(sessionId, succeeded) {
      const s = getSession(sessionId);
      const pi = getIntent(s.payment_intent ?? "(none)");
      if (pi.status !== "processing") throw new Error(`payment intent ${pi.id} is ${pi.status}, not processing`);
      pi.status = succeeded ? "succeeded" : "requires_payment_method";
      pi.amount_received = succeeded ? pi.amount : 0;
      Object.assign(charges.get(pi.latest_charge)!, { status: succeeded ? "succeeded" : "failed", paid: succeeded });
      s.payment_status = succeeded ? "paid" : "unpaid";
      return sessionEvent(`checkout.session.async_payment_${succeeded ? "succeeded" : "failed"}`, s);
    },

    async expire(sessionId) {
      const s = getSession(sessionId);
      if (s.status !== "open") throw new Error(`checkout session ${sessionId} is ${s.status}, not open`);
      s.status = "expired";
      return sessionEvent("checkout.session.expired", s);
    },

    async refund(paymentIntentId, amount) {
      const charge = chargeOf(paymentIntentId);
      const remaining = charge.amount - charge.amount_refunded;
      if (charge.status !== "succeeded") throw new Error(`charge ${charge.id} is ${charge.status}; only succeeded charges can be refunded`);
      const value = amount ?? remaining;
      if (!Number.isInteger(value) || value <= 0 || value > remaining) throw new Error(`refund of ${value} is invalid: ${remaining} left to refund`);
      charge.amount_refunded += value;
      charge.refunded = charge.amount_refunded === charge.amount;
      return fake.sendEvent("charge.refunded", { ...charge });
    },

    async dispute(paymentIntentId, status = "needs_response") {
      const charge = chargeOf(paymentIntentId);
      const dispute: Dispute = {
        id: newId("dp"), object: "dispute", amount: charge.amount, currency: charge.currency, charge: charge.id,
        payment_intent: paymentIntentId, status, reason: "fraudulent", created: now(), livemode: false,
      };
      disputes.set(paymentIntentId, dispute);
      return fake.sendEvent("charge.dispute.created", { ...dispute });
    },

    async closeDispute(paymentIntentId, status) {
      const dispute = disputes.get(paymentIntentId);
      if (!dispute) throw new Error(`no dispute for ${paymentIntentId}; call dispute() first`);
      dispute.status = status;
      return fake.sendEvent("charge.dispute.closed", { ...dispute });
    },

    async sendEvent(type, object, opts = {}) {
      if (!webhookUrl) throw new Error("fake Stripe has no webhook URL: call setWebhookUrl() first");
      const event = stripeEvent(type, object, opts.id);
      const payload = opts.rawBody ?? JSON.stringify(event, null, 2); // Stripe pretty-prints webhook bodies
      const signature = opts.signatureHeader ?? signStripePayload(payload, opts.secret ?? options.webhookSecret, opts.timestamp);
      try {
        const res = await fetch(webhookUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature, "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" },
          body: payload,
          redirect: "manual",
        });
        const delivery = { status: res.status, body: await res.text() };
        deliveries.push({ event, ...delivery });
        return delivery;
      } catch (e) {
        deliveries.push({ event, status: 0, body: String(e) });
        throw e;
      }
    },

    stop() {
      // The SDK keeps connections alive; close them or server.close() waits for their idle timeout.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
  return fake;
}
