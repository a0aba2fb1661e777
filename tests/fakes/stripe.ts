// A test-only fake of the slice of the Stripe HTTP API the app uses: Checkout Sessions, PaymentIntents
// (+ their Charge), a no-JavaScript hosted checkout page, and signed webhook delivery. The official SDK
// talks to it via `new Stripe(key, { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 })`.
// Connect (see the "Connect" sections): Accounts, Account Links with a no-JavaScript hosted onboarding
// page, the `Stripe-Account` header on Checkout Sessions, PaymentIntents and charges (objects live on one
// account and are invisible from any other; the application fee is recorded on the connected account's
// charge), and Connect webhooks carrying `account`, signed with the Connect endpoint's own secret.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { createBillingFake, type BillingFake, type FakePrice } from "./stripe-billing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from a fake or a response, read loosely
type Obj = Record<string, any>;
export type PaymentMethod = "card" | "us_bank_account";
export type Session = Obj & { id: string; status: "open" | "complete" | "expired"; payment_intent: string | null };
export type PaymentIntent = Obj & { id: string; status: "succeeded" | "processing" | "requires_payment_method"; latest_charge: string };
export type Charge = Obj & { id: string; amount: number; amount_refunded: number; payment_intent: string };
export type Dispute = Obj & { id: string; status: string };
export type Refund = Obj & { id: string; amount: number; payment_intent: string; status: string };
export type RecordedRequest = { method: string; path: string; headers: http.IncomingHttpHeaders; body: Obj; idempotencyKey?: string };
export type Delivery = { status: number; body: string };
type SendEventOptions = {
  id?: string;
  secret?: string;
  timestamp?: number;
  rawBody?: string;
  signatureHeader?: string;
  /** Connect: the connected account the event is from; it goes to the Connect endpoint, signed with its secret. */
  account?: string;
};
// ---- Connect: types
export type Account = Obj & {
  id: string;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  requirements: Obj;
  external_accounts: Obj;
};
type AccountLink = { id: string; account: string; refresh_url: string; return_url: string; expires_at: number; used: boolean };

export type FakeStripe = {
  url: string;
  port: number;
  host: "127.0.0.1";
  requests: RecordedRequest[];
  sessions: Map<string, Session>;
  paymentIntents: Map<string, PaymentIntent>;
  charges: Map<string, Charge>;
  /** Stripe Billing (Invoice Link's own subscriptions): tests/fakes/stripe-billing.ts. */
  billing: BillingFake;
  /** Every webhook delivery attempt, in order (status 0 when the app could not be reached). */
  deliveries: Array<{ event: Obj; status: number; body: string }>;
  setWebhookUrl(url: string): void;
  complete(
    sessionId: string,
    payment: { method: PaymentMethod; brand?: string; last4?: string },
  ): Promise<{ paymentIntentId: string; chargeId: string; response: Delivery }>;
  settleAch(sessionId: string, succeeded: boolean): Promise<Delivery>;
  expire(sessionId: string): Promise<Delivery>;
  refund(paymentIntentId: string, amount?: number): Promise<Delivery>;
  dispute(paymentIntentId: string, status?: string): Promise<Delivery>;
  closeDispute(paymentIntentId: string, status: "won" | "lost"): Promise<Delivery>;
  sendEvent(type: string, object: object, opts?: SendEventOptions): Promise<Delivery>;
  failNext(count: number, status?: number): void;
  stop(): Promise<void>;
  // ---- Connect
  accounts: Map<string, Account>;
  accountLinks: Map<string, AccountLink>;
  setConnectWebhookUrl(url: string): void;
  /** What the hosted onboarding form does: all details given (charges and payouts on), or saved for later. */
  completeOnboarding(accountId: string, outcome?: "complete" | "later"): Promise<Delivery | null>;
  /** The contractor revokes the platform's access from their dashboard: account.application.deauthorized. */
  deauthorize(accountId: string): Promise<Delivery>;
  /** The next `count` API requests wait `ms` before answering (a slow or hung Stripe). */
  delayNext(count: number, ms: number): void;
  /** The next `count` Account Link requests fail with `status` (the account create before them succeeds). */
  failNextAccountLinks(count: number, status?: number): void;
  // Refunds (POST /v1/refunds)
  refunds: Map<string, Refund>;
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
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from a fake or a response, read loosely
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
  Array.isArray(v)
    ? `[${v.map(canonical).join(",")}]`
    : v && typeof v === "object"
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Obj)[k])}`)
          .join(",")}}`
      : JSON.stringify(v);

class StripeHttpError extends Error {
  constructor(
    public status: number,
    public error: Obj,
  ) {
    super(error.message);
  }
}
const invalid = (message: string, param?: string) => new StripeHttpError(400, { type: "invalid_request_error", message, ...(param ? { param } : {}) });
const missing = (what: string, id: string) =>
  new StripeHttpError(404, { type: "invalid_request_error", code: "resource_missing", message: `No such ${what}: '${id}'`, param: "id" });
const isInt = (v: unknown) => typeof v === "string" && /^\d+$/.test(v);

// Top-level params the real endpoint accepts that the app might plausibly send; anything else gets
// Stripe's "unknown parameter" error, which catches typos the real API would reject.
const SESSION_PARAMS = new Set([
  "mode",
  "line_items",
  "allowed_payment_method_types",
  "excluded_payment_method_types",
  "success_url",
  "cancel_url",
  "client_reference_id",
  "customer_email",
  "customer",
  "metadata",
  "payment_intent_data",
  "expires_at",
  "locale",
  "submit_type",
  "expand",
  "payment_method_options",
  "allow_promotion_codes",
  "billing_address_collection",
  "customer_creation",
  "ui_mode",
]);

/** Validates create params; returns the payment method types the session will actually offer. */
function validateSessionParams(p: Obj): string[] {
  // SDK v23 pins API 2026-09-30.endive+, which dropped this param in favour of allowed_payment_method_types.
  if ("payment_method_types" in p) {
    throw invalid(
      "Received unknown parameter: payment_method_types. Since API version 2026-09-30.endive, use allowed_payment_method_types.",
      "payment_method_types",
    );
  }
  for (const key of Object.keys(p)) if (!SESSION_PARAMS.has(key)) throw invalid(`Received unknown parameter: ${key}`, key);
  if (!p.mode) throw invalid("Missing required param: mode.", "mode");
  if (p.mode !== "payment") throw invalid(`This fake only supports mode=payment, got ${p.mode}.`, "mode");
  for (const key of ["success_url", "cancel_url"]) {
    if (key === "success_url" && !p[key]) throw invalid("Missing required param: success_url.", key);
    if (p[key] !== undefined && !URL.canParse(p[key])) throw invalid("Not a valid URL", key);
  }
  if (p.customer_email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.customer_email))
    throw invalid(`Invalid email address: ${p.customer_email}`, "customer_email");
  if (!Array.isArray(p.line_items) || p.line_items.length === 0) throw invalid("Missing required param: line_items.", "line_items");
  for (const [i, item] of (p.line_items as Obj[]).entries()) {
    const at = `line_items[${i}]`;
    const price = item?.price_data;
    if (!price) throw invalid(`Missing required param: ${at}[price_data].`, `${at}[price_data]`);
    if (!price.currency) throw invalid(`Missing required param: ${at}[price_data][currency].`, `${at}[price_data][currency]`);
    if (!isInt(price.unit_amount) || Number(price.unit_amount) <= 0)
      throw invalid(`Invalid positive integer: ${price.unit_amount ?? "(missing)"}`, `${at}[price_data][unit_amount]`);
    if (!price.product_data?.name) throw invalid(`Missing required param: ${at}[price_data][product_data][name].`, `${at}[price_data][product_data][name]`);
    if (!isInt(item.quantity) || Number(item.quantity) <= 0) throw invalid(`Missing required param: ${at}[quantity].`, `${at}[quantity]`);
    if (price.currency.toLowerCase() !== p.line_items[0].price_data.currency.toLowerCase())
      throw invalid("All line items must use the same currency.", `${at}[price_data][currency]`);
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

export async function startFakeStripe(options: {
  secretKey: string;
  webhookSecret: string;
  webhookUrl?: string;
  port?: number;
  /** Connect: the app's Connect endpoint and its signing secret. */
  connectWebhookUrl?: string;
  connectWebhookSecret?: string;
  /** Billing: the Prices the fake sells (Invoice Link's own plans). */
  prices?: FakePrice[];
}): Promise<FakeStripe> {
  let webhookUrl = options.webhookUrl;
  let connectWebhookUrl = options.connectWebhookUrl;
  // ---- Connect: state
  const accounts = new Map<string, Account>();
  const accountLinks = new Map<string, AccountLink>();
  let delays: { count: number; ms: number } = { count: 0, ms: 0 };
  let accountLinkFailures: { count: number; status: number } = { count: 0, status: 500 };
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const requests: RecordedRequest[] = [];
  const sessions = new Map<string, Session>();
  const paymentIntents = new Map<string, PaymentIntent>();
  const charges = new Map<string, Charge>();
  const disputes = new Map<string, Dispute>(); // by PaymentIntent id
  const deliveries: FakeStripe["deliveries"] = [];
  // Idempotency-Key -> the request it was first used with and the response it got.
  const idempotent = new Map<string, { fingerprint: string; status: number; body: Obj }>();

  const billing = createBillingFake({
    secretKey: options.secretKey,
    baseUrl: () => fake.url,
    post: (type, rawBody) => fake.sendEvent(type, {}, { rawBody }),
    prices: options.prices,
  });

  const getSession = (id: string) =>
    sessions.get(id) ??
    (() => {
      throw missing("checkout.session", id);
    })();
  const getIntent = (id: string) =>
    paymentIntents.get(id) ??
    (() => {
      throw missing("payment_intent", id);
    })();
  // Connect: an object on one account does not exist for a request made as another (or as the platform).
  const onSameAccount = <T extends Obj>(o: T, account: string | null, what: string): T => {
    if ((o._account ?? null) !== account) throw missing(what, o.id);
    return o;
  };
  const chargeOf = (piId: string) => charges.get(getIntent(piId).latest_charge)!;

  function createSession(p: Obj, account: string | null): Session {
    const offered = validateSessionParams(p);
    validateConnectSession(p, account);
    const id = newId("cs_test");
    const amount = p.line_items.reduce((sum: number, li: Obj) => sum + Number(li.price_data.unit_amount) * Number(li.quantity), 0);
    const created = now();
    return {
      id,
      object: "checkout.session",
      amount_total: amount,
      amount_subtotal: amount,
      currency: p.line_items[0].price_data.currency.toLowerCase(),
      client_reference_id: p.client_reference_id ?? null,
      customer_email: p.customer_email ?? null,
      customer_details: null,
      metadata: p.metadata ?? {},
      mode: p.mode,
      payment_intent: null,
      allowed_payment_method_types: p.allowed_payment_method_types ?? null,
      payment_method_types: offered,
      payment_status: "unpaid",
      status: "open",
      success_url: p.success_url,
      cancel_url: p.cancel_url ?? null,
      url: `${fake.url}/c/pay/${id}`,
      expires_at: created + 24 * 3600,
      created,
      livemode: false,
      // Not part of Stripe's response: what the hosted page needs to build the PaymentIntent later.
      _line_items: p.line_items,
      _payment_intent_data: p.payment_intent_data ?? {},
      _account: account,
    } as Session;
  }

  /** Strips the fake's private fields and applies `expand` (payment_intent, payment_intent.latest_charge, latest_charge). */
  const present = (o: Obj, expand: string[] = []): Obj => {
    const out = Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("_")));
    if (out.object === "checkout.session" && out.payment_intent && expand.some((e) => e.split(".")[0] === "payment_intent")) {
      out.payment_intent = present(
        getIntent(out.payment_intent),
        expand.filter((e) => e.startsWith("payment_intent.")).map((e) => e.slice(15)),
      );
    }
    if (out.object === "payment_intent" && expand.includes("latest_charge")) out.latest_charge = present(charges.get(out.latest_charge)!);
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
    const account = connectAccountHeader(req);
    const connect = handleConnectApi(req, path, params, account, idempotencyKey);
    if (connect) return connect;
    // Idempotency keys are per account, as at Stripe.
    const scopedKey = idempotencyKey === undefined ? undefined : account ? `${account}|${idempotencyKey}` : idempotencyKey;
    if (req.method === "POST" && path === "/v1/checkout/sessions") {
      const fingerprint = canonical(params);
      const previous = scopedKey ? idempotent.get(scopedKey) : undefined;
      if (previous && previous.fingerprint !== fingerprint) {
        throw new StripeHttpError(400, {
          type: "idempotency_error",
          message: "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        });
      }
      if (previous) return previous;
      const session = createSession(params, account);
      sessions.set(session.id, session);
      const result = { status: 200, body: present(session, expand) };
      if (scopedKey) idempotent.set(scopedKey, { fingerprint, ...result });
      return result;
    }
    if (req.method === "GET" && (m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path)))
      return { status: 200, body: present(onSameAccount(getSession(m[1]), account, "checkout.session"), expand) };
    if (req.method === "GET" && (m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path)))
      return { status: 200, body: present(onSameAccount(getIntent(m[1]), account, "payment_intent"), expand) };
    if (req.method === "POST" && path === "/v1/refunds") return createRefund(req, params, idempotencyKey);
    throw new StripeHttpError(404, { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${path}).` });
  }

  function checkoutPage(s: Session | undefined): { status: number; html: string } {
    if (!s || s.status === "expired")
      return { status: 404, html: page("Checkout session not found", "<p>This checkout session does not exist or has expired.</p>") };
    const amount = `<p>${escapeHtml(s._line_items[0].price_data.product_data.name)}</p><p>Amount due: <strong>${escapeHtml(formatAmount(s.amount_total, s.currency))}</strong> ${escapeHtml(s.currency.toUpperCase())}</p>`;
    if (s.status === "complete") return { status: 200, html: page("Checkout", `${amount}<p>This checkout session is complete.</p>`) };
    const action = escapeHtml(`/c/pay/${s.id}`);
    const form = (method: PaymentMethod, label: string) =>
      `<form method="post" action="${action}"><input type="hidden" name="method" value="${method}"><button type="submit">${label}</button></form>`;
    const types: string[] = s.payment_method_types;
    return {
      status: 200,
      html: page(
        "Checkout",
        [
          amount,
          s.customer_email ? `<p>Email: ${escapeHtml(s.customer_email)}</p>` : "",
          types.includes("card") ? form("card", "Pay") : "",
          types.includes("us_bank_account") ? form("us_bank_account", "Pay by bank") : "",
          s.cancel_url ? `<p><a href="${escapeHtml(s.cancel_url)}">Cancel</a></p>` : "",
        ].join(""),
      ),
    };
  }

  // ---- Connect: accounts, account links, the hosted onboarding page, and the Stripe-Account header

  /** The `Stripe-Account` header: the connected account a request runs as (it must exist), or null for the platform. */
  function connectAccountHeader(req: http.IncomingMessage): string | null {
    const value = req.headers["stripe-account"];
    if (value === undefined) return null;
    if (typeof value !== "string" || !accounts.has(value)) {
      throw new StripeHttpError(403, {
        type: "invalid_request_error",
        code: "account_invalid",
        message: `The provided key does not have access to account '${String(value)}' (or that account does not exist).`,
      });
    }
    return value;
  }

  const ACCOUNT_PARAMS = new Set([
    "type",
    "controller",
    "country",
    "email",
    "business_type",
    "business_profile",
    "capabilities",
    "metadata",
    "expand",
    "default_currency",
    "settings",
    "tos_acceptance",
  ]);
  const INITIAL_REQUIREMENTS = [
    "business_type",
    "external_account",
    "individual.dob.day",
    "individual.first_name",
    "individual.verification.document",
    "tos_acceptance.date",
  ];

  const presentAccount = (a: Account): Obj => Object.fromEntries(Object.entries(a).filter(([k]) => !k.startsWith("_")));

  function createAccount(p: Obj): Account {
    for (const key of Object.keys(p)) if (!ACCOUNT_PARAMS.has(key)) throw invalid(`Received unknown parameter: ${key}`, key);
    if (p.type && p.controller) throw invalid("You cannot pass both `type` and `controller`.", "type");
    const standard = p.type === "standard" || p.controller?.stripe_dashboard?.type === "full";
    if (p.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.email)) throw invalid(`Invalid email address: ${p.email}`, "email");
    const id = `acct_${randomBytes(8).toString("hex")}`;
    return {
      id,
      object: "account",
      type: standard ? "standard" : (p.type ?? "express"),
      controller: p.controller ?? null,
      email: p.email ?? null,
      business_profile: p.business_profile ?? {},
      metadata: p.metadata ?? {},
      country: p.country ?? "US",
      default_currency: "usd",
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      requirements: {
        currently_due: [...INITIAL_REQUIREMENTS],
        eventually_due: [...INITIAL_REQUIREMENTS],
        past_due: [],
        disabled_reason: "requirements.past_due",
      },
      external_accounts: { object: "list", data: [], has_more: false, url: `/v1/accounts/${id}/external_accounts` },
      created: now(),
      livemode: false,
    } as Account;
  }

  function finishOnboarding(account: Account, outcome: "complete" | "later") {
    account.details_submitted = true;
    if (outcome === "later") {
      account.requirements = {
        ...account.requirements,
        currently_due: ["external_account", "individual.verification.document"],
        disabled_reason: "requirements.past_due",
      };
      return;
    }
    Object.assign(account, { charges_enabled: true, payouts_enabled: true });
    account.requirements = { currently_due: [], eventually_due: [], past_due: [], disabled_reason: null };
    account.external_accounts.data = [
      {
        id: newId("ba"),
        object: "bank_account",
        account: account.id,
        bank_name: "STRIPE TEST BANK",
        last4: "6789",
        currency: "usd",
        country: "US",
        default_for_currency: true,
        status: "new",
      },
    ];
  }

  /** Direct charges: the session must run on an account that can take charges; the fee only exists there. */
  function validateConnectSession(p: Obj, account: string | null) {
    const fee = p.payment_intent_data?.application_fee_amount;
    if (account && !accounts.get(account)!.charges_enabled) {
      throw invalid("This account cannot currently make live charges. The account holder must complete onboarding (charges_enabled is false).");
    }
    if (fee === undefined) return;
    if (!account)
      throw invalid(
        "Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).",
        "payment_intent_data[application_fee_amount]",
      );
    const total = p.line_items.reduce((sum: number, li: Obj) => sum + Number(li.price_data.unit_amount) * Number(li.quantity), 0);
    if (!isInt(fee) || Number(fee) > total) throw invalid(`Invalid application_fee_amount: ${fee}`, "payment_intent_data[application_fee_amount]");
  }

  /** The fields a PaymentIntent and its charge get when the session ran on a connected account. */
  function connectCharge(s: Session): Obj {
    if (!s._account) return {};
    const fee = s._payment_intent_data.application_fee_amount;
    return {
      _account: s._account,
      application_fee_amount: fee === undefined ? null : Number(fee),
      ...(fee !== undefined ? { application_fee: newId("fee") } : {}),
    };
  }
  const chargeAccount = (charge: Obj): SendEventOptions => (charge._account ? { account: charge._account } : {});

  function handleConnectApi(
    req: http.IncomingMessage,
    path: string,
    params: Obj,
    account: string | null,
    idempotencyKey?: string,
  ): { status: number; body: Obj } | null {
    let m: RegExpExecArray | null;
    if (req.method === "POST" && path === "/v1/accounts") {
      if (account) throw invalid("Connected accounts cannot create other accounts.");
      const key = idempotencyKey ? `accounts|${idempotencyKey}` : undefined;
      const fingerprint = canonical(params);
      const previous = key ? idempotent.get(key) : undefined;
      if (previous && previous.fingerprint !== fingerprint) {
        throw new StripeHttpError(400, {
          type: "idempotency_error",
          message: "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        });
      }
      if (previous) return previous;
      const created = createAccount(params);
      accounts.set(created.id, created);
      const result = { status: 200, body: presentAccount(created) };
      if (key) idempotent.set(key, { fingerprint, ...result });
      return result;
    }
    if ((m = /^\/v1\/accounts\/([^/]+)$/.exec(path))) {
      const found = accounts.get(m[1]);
      if (!found || (account && account !== found.id)) throw missing("account", m[1]);
      if (req.method === "GET") return { status: 200, body: presentAccount(found) };
      if (req.method === "DELETE") {
        accounts.delete(found.id);
        return { status: 200, body: { id: found.id, object: "account", deleted: true } };
      }
    }
    if (req.method === "POST" && path === "/v1/account_links") {
      if (accountLinkFailures.count > 0) {
        accountLinkFailures.count--;
        throw new StripeHttpError(accountLinkFailures.status, { type: "api_error", message: "An unknown error occurred (injected by the fake)." });
      }
      if (account) throw invalid("Account Links are created by the platform, without a Stripe-Account header.");
      for (const key of ["account", "type", "refresh_url", "return_url"]) if (!params[key]) throw invalid(`Missing required param: ${key}.`, key);
      if (!accounts.has(params.account)) throw missing("account", params.account);
      if (!["account_onboarding", "account_update"].includes(params.type)) throw invalid(`Invalid type: ${params.type}`, "type");
      for (const key of ["refresh_url", "return_url"]) if (!URL.canParse(params[key])) throw invalid("Not a valid URL", key);
      const link: AccountLink = {
        id: newId("alink"),
        account: params.account,
        refresh_url: params.refresh_url,
        return_url: params.return_url,
        expires_at: now() + 300,
        used: false,
      };
      accountLinks.set(link.id, link);
      return { status: 200, body: { object: "account_link", created: now(), expires_at: link.expires_at, url: `${fake.url}/connect/onboarding/${link.id}` } };
    }
    return null;
  }

  /**
   * Stripe's hosted onboarding, with JavaScript off: a plain form. Like Stripe, a used or expired link
   * sends the visitor to refresh_url; finishing sends account.updated and redirects to return_url.
   */
  async function handleOnboardingPage(
    req: http.IncomingMessage,
    raw: string,
    id: string,
    send: (status: number, type: string, body: string, headers?: http.OutgoingHttpHeaders) => void,
  ) {
    const link = accountLinks.get(id);
    if (!link) return send(404, "text/html; charset=utf-8", page("Link not found", "<p>This onboarding link does not exist.</p>"));
    if (link.used || link.expires_at < now()) return send(303, "text/plain; charset=utf-8", "", { Location: link.refresh_url });
    const account = accounts.get(link.account)!;
    if (req.method === "POST") {
      link.used = true;
      const outcome = new URLSearchParams(raw).get("outcome") === "later" ? "later" : "complete";
      await fake.completeOnboarding(account.id, outcome).catch(() => {});
      return send(303, "text/plain; charset=utf-8", "", { Location: link.return_url });
    }
    const action = escapeHtml(`/connect/onboarding/${link.id}`);
    send(
      200,
      "text/html; charset=utf-8",
      page(
        "Set up payments with Stripe",
        [
          `<p>Account ${escapeHtml(account.id)} for ${escapeHtml(account.business_profile?.name ?? "your business")}</p>`,
          `<form method="post" action="${action}"><input type="hidden" name="outcome" value="complete"><button type="submit">Agree and submit</button></form>`,
          `<form method="post" action="${action}"><input type="hidden" name="outcome" value="later"><button type="submit">Save and finish later</button></form>`,
        ].join(""),
      ),
    );
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
      const billed = await billing.handleApi(req, url.pathname, params, idempotencyKey);
      if (billed) return send(billed.status, "application/json", JSON.stringify(billed.body), { "Request-Id": newId("req") });
      const headerAccount = typeof req.headers["stripe-account"] === "string" ? req.headers["stripe-account"] : null;
      const replayed = idempotencyKey !== undefined && idempotent.has(headerAccount ? `${headerAccount}|${idempotencyKey}` : idempotencyKey);
      if (delays.count > 0) {
        delays.count--;
        await new Promise((resolve) => setTimeout(resolve, delays.ms));
        if (res.destroyed || req.socket.destroyed) return; // the client timed out and went away
      }
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

    const onboarding = /^\/connect\/onboarding\/([^/]+)$/.exec(url.pathname);
    if (onboarding) return handleOnboardingPage(req, raw, onboarding[1], send);
    const billingPage = await billing.handlePage(req.method ?? "GET", url, raw);
    if (billingPage) return send(billingPage.status, billingPage.type, billingPage.body, billingPage.headers);
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

  const sessionEvent = (type: string, s: Session) => fake.sendEvent(type, present(s), s._account ? { account: s._account } : {});

  // ==== Refunds (POST /v1/refunds), honouring Stripe-Account and Idempotency-Key ======================
  // A PaymentIntent's account is its `_account` (set by a Connect checkout or by seedCharge); none is the platform.
  const refunds = new Map<string, Refund>();
  const refundBackground = new Set<Promise<unknown>>();
  let refundDelay = 0;

  function createRefund(req: http.IncomingMessage, params: Obj, idempotencyKey?: string): { status: number; body: Obj } {
    const account = (req.headers["stripe-account"] as string | undefined) ?? null;
    const fingerprint = canonical({ account, params });
    const previous = idempotencyKey ? idempotent.get(`refund:${account}:${idempotencyKey}`) : undefined;
    if (previous && previous.fingerprint !== fingerprint) {
      throw new StripeHttpError(400, {
        type: "idempotency_error",
        message: "Keys for idempotent requests can only be used with the same parameters they were first used with.",
      });
    }
    if (previous) return previous;
    for (const key of Object.keys(params))
      if (!["payment_intent", "charge", "amount", "reason", "metadata", "expand"].includes(key)) throw invalid(`Received unknown parameter: ${key}`, key);
    const piId = params.payment_intent ?? [...paymentIntents.values()].find((pi) => pi.latest_charge === params.charge)?.id;
    if (!piId) throw invalid("One of the following params should be provided for this request: payment_intent or charge.");
    // An intent of another account does not exist as far as this account can tell.
    const pi = paymentIntents.get(piId);
    if (!pi || (pi._account ?? null) !== account) throw missing("payment_intent", piId);
    const charge = charges.get(pi.latest_charge)!;
    if (charge.status !== "succeeded") throw invalid(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`);
    const remaining = charge.amount - charge.amount_refunded;
    if (params.amount !== undefined && !isInt(params.amount)) throw invalid(`Invalid integer: ${params.amount}`, "amount");
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (charge.refunded || remaining <= 0)
      throw new StripeHttpError(400, {
        type: "invalid_request_error",
        code: "charge_already_refunded",
        message: `Charge ${charge.id} has already been refunded.`,
      });
    if (amount <= 0 || amount > remaining) {
      throw new StripeHttpError(400, {
        type: "invalid_request_error",
        code: "amount_too_large",
        param: "amount",
        message: `Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(remaining / 100).toFixed(2)})`,
      });
    }
    if (params.reason !== undefined && !["duplicate", "fraudulent", "requested_by_customer"].includes(params.reason))
      throw invalid(`Invalid reason: ${params.reason}`, "reason");
    const refund: Refund = {
      id: newId("re"),
      object: "refund",
      amount,
      charge: charge.id,
      currency: charge.currency,
      payment_intent: pi.id,
      status: "succeeded",
      reason: params.reason ?? null,
      metadata: params.metadata ?? {},
      created: now(),
      balance_transaction: newId("txn"),
      _account: account,
    };
    refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    const result = { status: 200, body: present(refund) };
    if (idempotencyKey) idempotent.set(`refund:${account}:${idempotencyKey}`, { fingerprint, ...result });
    // As Stripe does, a moment later: refund.created, then charge.refunded with the running total.
    if (fake.autoRefundWebhooks && webhookUrl) {
      const sent = (async () => {
        await fake.sendEvent("refund.created", present(refund), account ? { account } : {});
        await fake.sendEvent("charge.refunded", present(charge), chargeAccount(charge));
      })()
        .catch(() => undefined)
        .finally(() => refundBackground.delete(sent));
      refundBackground.add(sent);
    }
    return result;
  }

  /** A succeeded card payment on `account` (null: the platform), as if a customer had paid through Checkout there. */
  function seedCharge(input: { account?: string | null; amount: number; currency?: string; metadata?: Obj }) {
    // A connected account named by the test exists here, onboarded, as it would at Stripe.
    if (input.account && !accounts.has(input.account)) {
      const account = { ...createAccount({ type: "standard" }), id: input.account };
      finishOnboarding(account, "complete");
      accounts.set(input.account, account);
    }
    const pi: PaymentIntent = {
      id: newId("pi"),
      object: "payment_intent",
      amount: input.amount,
      amount_received: input.amount,
      currency: input.currency ?? "usd",
      status: "succeeded",
      metadata: input.metadata ?? {},
      payment_method_types: ["card"],
      latest_charge: newId("ch"),
      created: now(),
      livemode: false,
      _account: input.account ?? null,
    };
    const charge: Charge = {
      id: pi.latest_charge,
      object: "charge",
      amount: pi.amount,
      amount_captured: pi.amount,
      amount_refunded: 0,
      currency: pi.currency,
      refunded: false,
      paid: true,
      payment_intent: pi.id,
      status: "succeeded",
      payment_method_details: { type: "card", card: { brand: "visa", last4: "4242" } },
      created: now(),
      livemode: false,
      _account: input.account ?? null,
    };
    paymentIntents.set(pi.id, pi);
    charges.set(charge.id, charge);
    return { paymentIntentId: pi.id, chargeId: charge.id };
  }
  // ==== end of refunds ==============================================================================

  const fake: FakeStripe = {
    url: `http://127.0.0.1:${port}`,
    port,
    host: "127.0.0.1",
    requests,
    sessions,
    paymentIntents,
    charges,
    deliveries,
    billing,
    refunds,
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
        id: newId("pi"),
        object: "payment_intent",
        amount: s.amount_total,
        amount_received: card ? s.amount_total : 0,
        currency: s.currency,
        status: card ? "succeeded" : "processing",
        metadata: s._payment_intent_data.metadata ?? {},
        description: s._payment_intent_data.description ?? null,
        payment_method_types: [method],
        latest_charge: newId("ch"),
        created: now(),
        livemode: false,
        ...connectCharge(s),
      };
      const charge: Charge = {
        id: pi.latest_charge,
        object: "charge",
        amount: pi.amount,
        amount_captured: pi.amount,
        amount_refunded: 0,
        currency: pi.currency,
        refunded: false,
        paid: card,
        payment_intent: pi.id,
        status: card ? "succeeded" : "pending",
        payment_method_details: card
          ? { type: "card", card: { brand, last4: last4 ?? "4242" } }
          : { type: "us_bank_account", us_bank_account: { bank_name: "STRIPE TEST BANK", last4: last4 ?? "6789" } },
        created: now(),
        livemode: false,
        ...connectCharge(s),
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
      return fake.sendEvent("charge.refunded", present(charge), chargeAccount(charge));
    },

    async dispute(paymentIntentId, status = "needs_response") {
      const charge = chargeOf(paymentIntentId);
      const dispute: Dispute = {
        id: newId("dp"),
        object: "dispute",
        amount: charge.amount,
        currency: charge.currency,
        charge: charge.id,
        payment_intent: paymentIntentId,
        status,
        reason: "fraudulent",
        created: now(),
        livemode: false,
      };
      disputes.set(paymentIntentId, dispute);
      return fake.sendEvent("charge.dispute.created", { ...dispute }, chargeAccount(charge));
    },

    async closeDispute(paymentIntentId, status) {
      const dispute = disputes.get(paymentIntentId);
      if (!dispute) throw new Error(`no dispute for ${paymentIntentId}; call dispute() first`);
      dispute.status = status;
      return fake.sendEvent("charge.dispute.closed", { ...dispute }, chargeAccount(chargeOf(paymentIntentId)));
    },

    async sendEvent(type, object, opts = {}) {
      // Connect events go to the Connect endpoint, carry `account` and are signed with its secret.
      const target = opts.account ? connectWebhookUrl : webhookUrl;
      if (!target)
        throw new Error(
          opts.account
            ? "fake Stripe has no Connect webhook URL: call setConnectWebhookUrl() first"
            : "fake Stripe has no webhook URL: call setWebhookUrl() first",
        );
      const event = opts.account ? { ...stripeEvent(type, object, opts.id), account: opts.account } : stripeEvent(type, object, opts.id);
      const payload = opts.rawBody ?? JSON.stringify(event, null, 2); // Stripe pretty-prints webhook bodies
      const secret = opts.secret ?? (opts.account ? options.connectWebhookSecret : options.webhookSecret);
      if (!secret) throw new Error("fake Stripe has no Connect webhook secret: pass connectWebhookSecret");
      const signature = opts.signatureHeader ?? signStripePayload(payload, secret, opts.timestamp);
      try {
        const res = await fetch(target, {
          method: "POST",
          headers: {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": signature,
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          },
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

    // ---- Connect
    accounts,
    accountLinks,
    setConnectWebhookUrl(url) {
      connectWebhookUrl = url;
    },
    async completeOnboarding(accountId, outcome = "complete") {
      const account = accounts.get(accountId);
      if (!account) throw new Error(`no account ${accountId}`);
      finishOnboarding(account, outcome);
      return connectWebhookUrl ? fake.sendEvent("account.updated", presentAccount(account), { account: account.id }) : null;
    },
    deauthorize(accountId) {
      return fake.sendEvent("account.application.deauthorized", { id: newId("ca"), object: "application", name: "Invoice Link" }, { account: accountId });
    },
    delayNext(count, ms) {
      delays = { count, ms };
    },
    failNextAccountLinks(count, status = 500) {
      accountLinkFailures = { count, status };
    },

    stop() {
      // The SDK keeps connections alive; close them or server.close() waits for their idle timeout.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
  return fake;
}
