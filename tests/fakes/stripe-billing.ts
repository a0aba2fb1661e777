// The Stripe Billing slice of the Stripe fake (tests/fakes/stripe.ts delegates to it): Customers, Checkout
// Sessions in subscription mode with a no-JavaScript hosted page, Subscriptions (retrieve, update
// cancel_at_period_end, cancel), Customer Portal sessions with a no-JavaScript portal page, and the events
// Stripe sends for them (customer.subscription.*, invoice.paid, invoice.payment_failed,
// checkout.session.completed) with API 2025+ shapes: period ends on the subscription items, an invoice's
// subscription under parent.subscription_details. Test controls drive renewals, failed payments, exhausted
// retries and a fixed card; events can be built now and delivered later (out of order, twice).
import { randomBytes } from "node:crypto";
import type http from "node:http";
import Stripe from "stripe";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from a fake or a response, read loosely
type Obj = Record<string, any>;
export type Delivery = { status: number; body: string };
export type BillingEvent = Obj & { id: string; type: string; created: number; data: { object: Obj } };
export type FakePrice = { id: string; unit_amount: number; currency: string; interval: "month" | "year" };

export type BillingFake = {
  customers: Map<string, Obj>;
  subscriptions: Map<string, Obj>;
  invoices: Map<string, Obj>;
  checkoutSessions: Map<string, Obj>;
  portalSessions: Map<string, Obj>;
  prices: Map<string, FakePrice>;
  /** Answers a billing API request, or null when the path is not billing's. */
  handleApi(req: http.IncomingMessage, path: string, params: Obj, idempotencyKey?: string): Promise<{ status: number; body: Obj } | null>;
  /** Serves the hosted subscription checkout and portal pages, or null for other paths. */
  handlePage(method: string, url: URL, raw: string): Promise<{ status: number; type: string; body: string; headers?: Record<string, string> } | null>;
  /** The customer pays on the hosted page: the subscription starts (trialing when the session asked for a trial). */
  completeCheckout(sessionId: string): Promise<{ subscriptionId: string; deliveries: Delivery[] }>;
  /** A renewal invoice is declined: past_due while Stripe retries. */
  failRenewal(subscriptionId: string): Promise<Delivery[]>;
  /** Every retry failed: the subscription becomes unpaid (the dashboard's "mark unpaid" setting). */
  exhaustRetries(subscriptionId: string): Promise<Delivery[]>;
  /** A new card in the portal: the open invoice is paid and the subscription is active again. */
  fixCard(subscriptionId: string): Promise<Delivery[]>;
  /** A successful renewal: the period moves on, the invoice is paid. */
  renew(subscriptionId: string): Promise<Delivery[]>;
  /** An event envelope for the object as it is now, to deliver later (created defaults to now). */
  buildEvent(type: string, object: Obj, options?: { created?: number; id?: string }): BillingEvent;
  /** Signs and posts an envelope as Stripe would (the same one again = a redelivery). */
  deliver(event: BillingEvent): Promise<Delivery>;
};

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);
const DAY = 86_400;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
const error = (status: number, message: string, extra: Obj = {}) => ({ status, body: { error: { type: "invalid_request_error", message, ...extra } } });
const missing = (what: string, id: string) => error(404, `No such ${what}: '${id}'`, { code: "resource_missing", param: "id" });

const DEFAULT_PRICES: FakePrice[] = [
  { id: "price_monthly_test", unit_amount: 2900, currency: "usd", interval: "month" },
  { id: "price_yearly_test", unit_amount: 29000, currency: "usd", interval: "year" },
];

const SESSION_PARAMS = new Set([
  "mode",
  "customer",
  "customer_email",
  "client_reference_id",
  "line_items",
  "metadata",
  "subscription_data",
  "success_url",
  "cancel_url",
  "allow_promotion_codes",
  "billing_address_collection",
  "locale",
  "expand",
]);

export function createBillingFake(ctx: {
  secretKey: string;
  baseUrl: () => string;
  /** Posts a signed raw body to the app's webhook URL (the main fake's sendEvent). */
  post: (type: string, rawBody: string) => Promise<Delivery>;
  prices?: FakePrice[];
}): BillingFake {
  const customers = new Map<string, Obj>();
  const subscriptions = new Map<string, Obj>();
  const invoices = new Map<string, Obj>();
  const checkoutSessions = new Map<string, Obj>();
  const portalSessions = new Map<string, Obj>();
  const prices = new Map((ctx.prices ?? DEFAULT_PRICES).map((p) => [p.id, p]));
  const idempotent = new Map<string, { status: number; body: Obj }>();

  const priceObject = (p: FakePrice) => ({
    id: p.id,
    object: "price",
    active: true,
    currency: p.currency,
    unit_amount: p.unit_amount,
    recurring: { interval: p.interval, interval_count: 1 },
    type: "recurring",
    product: `prod_${p.id.slice(6)}`,
    livemode: false,
  });
  const periodSeconds = (p: FakePrice) => (p.interval === "year" ? 365 : 30) * DAY;
  const copy = <T>(o: T): T => JSON.parse(JSON.stringify(o));
  const privateless = (o: Obj) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("_")));

  function buildEvent(type: string, object: Obj, options: { created?: number; id?: string } = {}): BillingEvent {
    return {
      id: options.id ?? newId("evt"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: options.created ?? now(),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: copy(privateless(object)) },
    };
  }
  const deliver = (event: BillingEvent) => ctx.post(event.type, JSON.stringify(event, null, 2));
  const emit = (type: string, object: Obj) => deliver(buildEvent(type, object));

  function newInvoice(sub: Obj, paid: boolean, reason: string): Obj {
    const price = prices.get(sub.items.data[0].price.id)!;
    const amount = reason === "subscription_create" && sub.status === "trialing" ? 0 : price.unit_amount;
    const invoice = {
      id: newId("in"),
      object: "invoice",
      customer: sub.customer,
      status: paid ? "paid" : "open",
      currency: price.currency,
      amount_due: amount,
      amount_paid: paid ? amount : 0,
      amount_remaining: paid ? 0 : amount,
      attempt_count: 1,
      attempted: true,
      next_payment_attempt: paid ? null : now() + 3 * DAY,
      billing_reason: reason,
      collection_method: "charge_automatically",
      created: now(),
      livemode: false,
      hosted_invoice_url: `${ctx.baseUrl()}/i/${sub.id}`,
      parent: { type: "subscription_details", quote_details: null, subscription_details: { subscription: sub.id, metadata: sub.metadata } },
      period_start: sub.items.data[0].current_period_start,
      period_end: sub.items.data[0].current_period_end,
    };
    invoices.set(invoice.id, invoice);
    sub.latest_invoice = invoice.id;
    return invoice;
  }

  const getSub = (id: string) => {
    const sub = subscriptions.get(id);
    if (!sub) throw new Error(`fake Stripe has no subscription ${id}`);
    return sub;
  };

  function advancePeriod(sub: Obj) {
    const item = sub.items.data[0];
    const length = periodSeconds(prices.get(item.price.id)!);
    item.current_period_start = item.current_period_end;
    item.current_period_end = item.current_period_start + length;
  }

  async function cancelAtEnd(sub: Obj, cancel: boolean) {
    sub.cancel_at_period_end = cancel;
    sub.cancel_at = cancel ? sub.items.data[0].current_period_end : null;
    sub.canceled_at = cancel ? now() : null;
    await emit("customer.subscription.updated", sub);
  }

  async function handleApi(req: http.IncomingMessage, path: string, params: Obj, idempotencyKey?: string) {
    const method = req.method ?? "GET";
    const ours =
      (path === "/v1/checkout/sessions" && method === "POST" && params.mode === "subscription") ||
      (/^\/v1\/checkout\/sessions\/[^/]+$/.test(path) && checkoutSessions.has(path.split("/").pop()!)) ||
      /^\/v1\/(customers|subscriptions|billing_portal\/sessions)(\/|$)/.test(path);
    if (!ours) return null;
    if (req.headers.authorization !== `Bearer ${ctx.secretKey}`)
      return { status: 401, body: { error: { type: "invalid_request_error", message: "Invalid API Key provided." } } };
    if (idempotencyKey && idempotent.has(idempotencyKey)) return idempotent.get(idempotencyKey)!;
    const result = await route(method, path, params);
    if (idempotencyKey && result.status < 500) idempotent.set(idempotencyKey, result);
    return result;
  }

  async function route(method: string, path: string, p: Obj): Promise<{ status: number; body: Obj }> {
    let m: RegExpExecArray | null;
    if (method === "POST" && path === "/v1/customers") {
      const customer = {
        id: newId("cus"),
        object: "customer",
        name: p.name ?? null,
        email: p.email ?? null,
        metadata: p.metadata ?? {},
        created: now(),
        livemode: false,
      };
      customers.set(customer.id, customer);
      return { status: 200, body: customer };
    }
    if (method === "GET" && (m = /^\/v1\/customers\/([^/]+)$/.exec(path))) {
      const c = customers.get(m[1]);
      return c ? { status: 200, body: c } : missing("customer", m[1]);
    }
    if (method === "POST" && path === "/v1/checkout/sessions") {
      for (const key of Object.keys(p)) if (!SESSION_PARAMS.has(key)) return error(400, `Received unknown parameter: ${key}`, { param: key });
      if (!p.success_url || !URL.canParse(p.success_url)) return error(400, "Missing required param: success_url.", { param: "success_url" });
      if (p.customer && !customers.has(p.customer)) return missing("customer", p.customer);
      const items = p.line_items as Obj[] | undefined;
      if (!Array.isArray(items) || items.length !== 1) return error(400, "Provide exactly one line item with a recurring price.", { param: "line_items" });
      const price = prices.get(items[0].price);
      if (!price) return error(400, `No such price: '${items[0].price}'`, { param: "line_items[0][price]", code: "resource_missing" });
      if (items[0].quantity !== "1") return error(400, "Missing required param: line_items[0][quantity].", { param: "line_items[0][quantity]" });
      const trialEnd = p.subscription_data?.trial_end ? Number(p.subscription_data.trial_end) : null;
      if (trialEnd !== null && (!Number.isInteger(trialEnd) || trialEnd < now() + 48 * 3600)) {
        return error(400, "The `trial_end` date has to be at least 2 days in the future.", { param: "subscription_data[trial_end]" });
      }
      const id = newId("cs_test");
      const session = {
        id,
        object: "checkout.session",
        mode: "subscription",
        status: "open",
        payment_status: "unpaid",
        customer: p.customer ?? null,
        customer_email: p.customer_email ?? null,
        client_reference_id: p.client_reference_id ?? null,
        metadata: p.metadata ?? {},
        subscription: null,
        success_url: p.success_url,
        cancel_url: p.cancel_url ?? null,
        url: `${ctx.baseUrl()}/c/pay/${id}`,
        amount_total: trialEnd ? 0 : price.unit_amount,
        currency: price.currency,
        created: now(),
        expires_at: now() + DAY,
        livemode: false,
        _price: price.id,
        _subscription_data: p.subscription_data ?? {},
      };
      checkoutSessions.set(id, session);
      return { status: 200, body: privateless(session) };
    }
    if (method === "GET" && (m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path))) return { status: 200, body: privateless(checkoutSessions.get(m[1])!) };
    if ((m = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) {
      const sub = subscriptions.get(m[1]);
      if (!sub) return missing("subscription", m[1]);
      if (method === "GET") return { status: 200, body: copy(sub) };
      if (method === "POST") {
        for (const key of Object.keys(p))
          if (key !== "cancel_at_period_end" && key !== "expand") return error(400, `This fake does not update ${key}`, { param: key });
        if (sub.status === "canceled") return error(400, "A canceled subscription can only update its cancellation_details and metadata.");
        if (p.cancel_at_period_end !== undefined) await cancelAtEnd(sub, p.cancel_at_period_end === "true");
        return { status: 200, body: copy(sub) };
      }
      if (method === "DELETE") {
        if (sub.status === "canceled") return error(400, "This subscription has already been canceled.", { code: "resource_missing" });
        Object.assign(sub, { status: "canceled", canceled_at: now(), ended_at: now(), cancel_at_period_end: false });
        await emit("customer.subscription.deleted", sub);
        return { status: 200, body: copy(sub) };
      }
    }
    if (method === "POST" && path === "/v1/billing_portal/sessions") {
      if (!p.customer || !customers.has(p.customer))
        return p.customer ? missing("customer", p.customer) : error(400, "Missing required param: customer.", { param: "customer" });
      if (p.return_url !== undefined && !URL.canParse(p.return_url)) return error(400, "Not a valid URL", { param: "return_url" });
      const id = newId("bps");
      const session = {
        id,
        object: "billing_portal.session",
        customer: p.customer,
        return_url: p.return_url ?? null,
        url: `${ctx.baseUrl()}/p/session/${id}`,
        created: now(),
        livemode: false,
        configuration: "bpc_default",
      };
      portalSessions.set(id, session);
      return { status: 200, body: session };
    }
    return error(404, `Unrecognized request URL (${method}: ${path}).`);
  }

  async function completeCheckout(sessionId: string) {
    const s = checkoutSessions.get(sessionId);
    if (!s || s.status !== "open") throw new Error(`subscription checkout ${sessionId} is not open`);
    if (!s.customer) {
      const customer = { id: newId("cus"), object: "customer", email: s.customer_email, metadata: {}, created: now(), livemode: false };
      customers.set(customer.id, customer);
      s.customer = customer.id;
    }
    const price = prices.get(s._price)!;
    const trialEnd = s._subscription_data.trial_end ? Number(s._subscription_data.trial_end) : null;
    const start = now();
    const sub: Obj = {
      id: newId("sub"),
      object: "subscription",
      customer: s.customer,
      status: trialEnd ? "trialing" : "active",
      created: start,
      start_date: start,
      billing_cycle_anchor: trialEnd ?? start,
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      trial_start: trialEnd ? start : null,
      trial_end: trialEnd,
      collection_method: "charge_automatically",
      currency: price.currency,
      metadata: s._subscription_data.metadata ?? {},
      latest_invoice: null,
      livemode: false,
      items: {
        object: "list",
        has_more: false,
        url: "/v1/subscription_items",
        data: [
          {
            id: newId("si"),
            object: "subscription_item",
            price: priceObject(price),
            quantity: 1,
            current_period_start: start,
            current_period_end: trialEnd ?? start + periodSeconds(price),
          },
        ],
      },
    };
    subscriptions.set(sub.id, sub);
    const invoice = newInvoice(sub, true, "subscription_create");
    Object.assign(s, { status: "complete", payment_status: trialEnd ? "no_payment_required" : "paid", subscription: sub.id });
    // Stripe's usual order; the app must not depend on it.
    const deliveries = [await emit("customer.subscription.created", sub), await emit("invoice.paid", invoice), await emit("checkout.session.completed", s)];
    return { subscriptionId: sub.id, deliveries };
  }

  async function failRenewal(subscriptionId: string) {
    const sub = getSub(subscriptionId);
    advancePeriod(sub);
    const invoice = newInvoice(sub, false, "subscription_cycle");
    sub.status = "past_due";
    sub.trial_end = sub.trial_end && sub.trial_end > now() ? now() : sub.trial_end;
    return [await emit("invoice.payment_failed", invoice), await emit("customer.subscription.updated", sub)];
  }

  async function exhaustRetries(subscriptionId: string) {
    const sub = getSub(subscriptionId);
    const invoice = invoices.get(sub.latest_invoice)!;
    Object.assign(invoice, { attempt_count: 4, next_payment_attempt: null });
    sub.status = "unpaid";
    return [await emit("invoice.payment_failed", invoice), await emit("customer.subscription.updated", sub)];
  }

  async function fixCard(subscriptionId: string) {
    const sub = getSub(subscriptionId);
    const invoice = invoices.get(sub.latest_invoice)!;
    if (invoice.status === "open")
      Object.assign(invoice, {
        status: "paid",
        amount_paid: invoice.amount_due,
        amount_remaining: 0,
        attempt_count: invoice.attempt_count + 1,
        next_payment_attempt: null,
      });
    if (sub.status === "past_due" || sub.status === "unpaid") sub.status = "active";
    return [await emit("invoice.paid", invoice), await emit("customer.subscription.updated", sub)];
  }

  async function renew(subscriptionId: string) {
    const sub = getSub(subscriptionId);
    advancePeriod(sub);
    if (sub.status === "trialing") sub.status = "active";
    const invoice = newInvoice(sub, true, "subscription_cycle");
    return [await emit("invoice.paid", invoice), await emit("customer.subscription.updated", sub)];
  }

  function money(minor: number, currency: string) {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(minor / 100);
  }

  async function handlePage(method: string, url: URL, raw: string) {
    const html = (status: number, body: string, headers?: Record<string, string>) => ({ status, type: "text/html; charset=utf-8", body, headers });
    let m: RegExpExecArray | null;
    if ((m = /^\/c\/pay\/([^/]+)$/.exec(url.pathname)) && checkoutSessions.has(m[1])) {
      const s = checkoutSessions.get(m[1])!;
      const price = prices.get(s._price)!;
      if (method === "POST" && s.status === "open") {
        await completeCheckout(s.id).catch(() => {});
        return { status: 303, type: "text/plain; charset=utf-8", body: "", headers: { Location: s.success_url.replaceAll("{CHECKOUT_SESSION_ID}", s.id) } };
      }
      if (s.status !== "open") return html(200, page("Subscribe", "<p>This checkout session is complete.</p>"));
      const trial = s._subscription_data.trial_end
        ? `<p>Free until ${new Date(Number(s._subscription_data.trial_end) * 1000).toISOString().slice(0, 10)}, then:</p>`
        : "";
      return html(
        200,
        page(
          "Subscribe",
          [
            `${trial}<p>Invoice Link ${price.interval === "year" ? "yearly" : "monthly"}: <strong>${escapeHtml(money(price.unit_amount, price.currency))}</strong> per ${price.interval}</p>`,
            `<form method="post" action="${escapeHtml(url.pathname)}"><button type="submit">Subscribe</button></form>`,
            s.cancel_url ? `<p><a href="${escapeHtml(s.cancel_url)}">Cancel</a></p>` : "",
          ].join(""),
        ),
      );
    }
    if ((m = /^\/p\/session\/([^/]+)$/.exec(url.pathname))) {
      const session = portalSessions.get(m[1]);
      if (!session) return html(404, page("Billing portal", "<p>This portal session does not exist or has expired.</p>"));
      const subs = [...subscriptions.values()].filter((s) => s.customer === session.customer);
      const live = subs.find((s) => s.status !== "canceled");
      if (method === "POST" && live) {
        const action = new URLSearchParams(raw).get("action");
        if (action === "update-card") await fixCard(live.id);
        if (action === "cancel") await cancelAtEnd(live, true);
        if (action === "renew") await cancelAtEnd(live, false);
        return { status: 303, type: "text/plain; charset=utf-8", body: "", headers: { Location: url.pathname } };
      }
      const form = (action: string, label: string) =>
        `<form method="post" action="${escapeHtml(url.pathname)}"><input type="hidden" name="action" value="${action}"><button type="submit">${label}</button></form>`;
      const history = [...invoices.values()]
        .filter((i) => i.customer === session.customer)
        .map(
          (i) =>
            `<li>${escapeHtml(new Date(i.created * 1000).toISOString().slice(0, 10))} ${escapeHtml(money(i.amount_due, i.currency))} ${escapeHtml(i.status)}</li>`,
        )
        .join("");
      return html(
        200,
        page(
          "Billing portal",
          [
            live
              ? `<p data-status="${escapeHtml(live.status)}">Subscription: ${escapeHtml(live.status)}${live.cancel_at_period_end ? " (cancels at period end)" : ""}</p>`
              : "<p>No active subscription.</p>",
            live ? form("update-card", "Update card") : "",
            live && !live.cancel_at_period_end ? form("cancel", "Cancel subscription") : "",
            live && live.cancel_at_period_end ? form("renew", "Renew subscription") : "",
            `<h2>Billing history</h2><ul>${history}</ul>`,
            session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return to Invoice Link</a></p>` : "",
          ].join(""),
        ),
      );
    }
    return null;
  }

  return {
    customers,
    subscriptions,
    invoices,
    checkoutSessions,
    portalSessions,
    prices,
    handleApi,
    handlePage,
    completeCheckout,
    failRenewal,
    exhaustRetries,
    fixCard,
    renew,
    buildEvent,
    deliver,
  };
}
