// The PayPal fake, driven over HTTP the way the app will drive it: OAuth, Orders v2 with idempotency,
// the no-JS approval page, capture, and signed webhooks checked by a receiver that verifies them
// with node:crypto the way a real PayPal integration does.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signPayPalWebhook, startFakePayPal, type FakePayPal } from "../fakes/paypal";

const CREDS = { clientId: "client-abc", clientSecret: "secret-xyz", webhookId: "8PT597110X687430LKGECATA" };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

let paypal: FakePayPal;
let receiver: http.Server;
const received: { verified: boolean; reason: string; body: string }[] = [];

/** Verifies a delivery like the app should: cert only from the API host, CRC32 of the raw bytes, RSA-SHA256. */
async function verify(headers: http.IncomingHttpHeaders, raw: Buffer): Promise<string> {
  const [id, time, sig, certUrl, algo] = ["id", "time", "sig"]
    .map((h) => headers[`paypal-transmission-${h}`] as string | undefined)
    .concat(headers["paypal-cert-url"] as string | undefined, headers["paypal-auth-algo"] as string | undefined);
  if (!id || !time || !sig || !certUrl || algo !== "SHA256withRSA") return "missing header";
  if (new URL(certUrl).origin !== new URL(paypal.url).origin) return "untrusted cert url";
  const certPem = await (await fetch(certUrl)).text();
  const message = `${id}|${time}|${CREDS.webhookId}|${zlib.crc32(raw)}`;
  return crypto.verify("sha256", Buffer.from(message), certPem, Buffer.from(sig, "base64")) ? "" : "bad signature";
}

beforeAll(async () => {
  receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const reason = await verify(req.headers, raw);
    received.push({ verified: !reason, reason, body: raw.toString() });
    res.writeHead(reason ? 400 : 200).end(reason || "ok");
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  paypal = await startFakePayPal({ ...CREDS, webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/paypal` });
});
afterAll(async () => {
  await paypal?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function token() {
  const res = await fetch(`${paypal.url}/v1/oauth2/token`, {
    method: "POST",
    headers: { Authorization: basic(CREDS.clientId, CREDS.clientSecret), "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function api(path: string, init: { method?: string; body?: unknown; requestId?: string; bearer?: string } = {}) {
  const headers: Record<string, string> = { Authorization: `Bearer ${init.bearer ?? (await token())}`, "Content-Type": "application/json" };
  if (init.requestId) headers["PayPal-Request-Id"] = init.requestId;
  const res = await fetch(`${paypal.url}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, text: await res.clone().text(), body: (await res.json()) as any };
}

const orderBody = (value = "123.45", currency = "USD", returnUrl = "http://127.0.0.1:3000/pay/abc/paypal/return?lang=en") => ({
  intent: "CAPTURE",
  purchase_units: [
    { reference_id: "inv_1", custom_id: "inv_1", invoice_id: "INV-0001", description: "Invoice <INV-0001>", amount: { currency_code: currency, value } },
  ],
  payment_source: {
    paypal: {
      experience_context: {
        return_url: returnUrl,
        cancel_url: "http://127.0.0.1:3000/pay/abc",
        user_action: "PAY_NOW",
        shipping_preference: "NO_SHIPPING",
        brand_name: "Acme & Co",
      },
    },
  },
});

async function approvedOrder(value = "123.45") {
  const { body } = await api("/v2/checkout/orders", { method: "POST", body: orderBody(value), requestId: crypto.randomUUID() });
  paypal.approve(body.id);
  return body.id as string;
}

describe("OAuth2", () => {
  it("issues a bearer token for the right client credentials only", async () => {
    const good = await fetch(`${paypal.url}/v1/oauth2/token`, {
      method: "POST",
      headers: { Authorization: basic(CREDS.clientId, CREDS.clientSecret), "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({
      access_token: expect.any(String),
      token_type: "Bearer",
      app_id: expect.any(String),
      expires_in: 32400,
      nonce: expect.any(String),
    });

    const bad = await fetch(`${paypal.url}/v1/oauth2/token`, {
      method: "POST",
      headers: { Authorization: basic(CREDS.clientId, "nope") },
      body: "grant_type=client_credentials",
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: "invalid_client", error_description: "Client Authentication failed" });
  });

  it("rejects API calls without a valid bearer token", async () => {
    const res = await api("/v2/checkout/orders", { method: "POST", body: orderBody(), bearer: "forged" });
    expect(res.status).toBe(401);
    expect(res.body.name).toBe("AUTHENTICATION_FAILURE");
  });
});

describe("Orders v2", () => {
  it("creates an order idempotently by PayPal-Request-Id", async () => {
    const requestId = crypto.randomUUID();
    const first = await api("/v2/checkout/orders", { method: "POST", body: orderBody(), requestId });
    expect(first.status).toBe(201);
    expect(first.body.id).toMatch(/^[A-Z0-9]{17}$/);
    expect(first.body.status).toBe("PAYER_ACTION_REQUIRED");
    expect(first.body.links).toEqual(
      expect.arrayContaining([
        { href: `${paypal.url}/v2/checkout/orders/${first.body.id}`, rel: "self", method: "GET" },
        { href: `${paypal.url}/checkoutnow?token=${first.body.id}`, rel: "payer-action", method: "GET" },
      ]),
    );
    const again = await api("/v2/checkout/orders", { method: "POST", body: orderBody(), requestId });
    expect(again.body.id).toBe(first.body.id);
    const other = await api("/v2/checkout/orders", { method: "POST", body: orderBody(), requestId: crypto.randomUUID() });
    expect(other.body.id).not.toBe(first.body.id);
    expect(paypal.requests.filter((r) => r.path === "/v2/checkout/orders").at(-1)?.headers["paypal-request-id"]).toBeTruthy();
  });

  it("validates intent, amount precision per currency and return_url", async () => {
    const cases: [object, number, string][] = [
      [{ ...orderBody(), intent: "AUTHORIZE" }, 400, "INVALID_PARAMETER_VALUE"],
      [orderBody("123.4"), 422, "DECIMAL_PRECISION"],
      [orderBody("100.00", "JPY"), 422, "DECIMAL_PRECISION"],
      [orderBody("12,00"), 400, "INVALID_PARAMETER_SYNTAX"],
      [orderBody("1.00", "usd"), 400, "INVALID_PARAMETER_SYNTAX"],
      [orderBody("0.00"), 422, "CANNOT_BE_ZERO_OR_NEGATIVE"],
      [{ ...orderBody(), payment_source: { paypal: { experience_context: {} } } }, 400, "MISSING_REQUIRED_PARAMETER"],
    ];
    for (const [body, status, issue] of cases) {
      const res = await api("/v2/checkout/orders", { method: "POST", body });
      expect(res.status, issue).toBe(status);
      expect(res.body).toMatchObject({ name: status === 400 ? "INVALID_REQUEST" : "UNPROCESSABLE_ENTITY", debug_id: expect.any(String) });
      expect(res.body.details[0].issue).toBe(issue);
    }
    expect((await api("/v2/checkout/orders", { method: "POST", body: orderBody("1500", "JPY") })).status).toBe(201);
  });

  it("approves on the plain-HTML page and redirects back with token and PayerID", async () => {
    const { body: order } = await api("/v2/checkout/orders", { method: "POST", body: orderBody() });
    const page = await fetch(`${paypal.url}/checkoutnow?token=${order.id}`);
    const html = await page.text();
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(html).toContain("123.45 USD");
    expect(html).toContain(`<form method="post" action="/checkoutnow?token=${order.id}"><button type="submit">Pay with PayPal</button></form>`);
    expect(html).toContain(`<a href="http://127.0.0.1:3000/pay/abc">Cancel and return</a>`);
    expect(html).toContain("Invoice &#60;INV-0001&#62;");
    expect(html).not.toContain("<script");

    const early = await api(`/v2/checkout/orders/${order.id}/capture`, { method: "POST", body: {} });
    expect(early.status).toBe(422);
    expect(early.body.details[0].issue).toBe("ORDER_NOT_APPROVED");

    const submit = await fetch(`${paypal.url}/checkoutnow?token=${order.id}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(submit.status).toBe(303);
    const back = new URL(submit.headers.get("location")!);
    expect(back.origin + back.pathname).toBe("http://127.0.0.1:3000/pay/abc/paypal/return");
    expect(Object.fromEntries(back.searchParams)).toEqual({ lang: "en", token: order.id, PayerID: "FAKEPAYER123" });

    const current = await api(`/v2/checkout/orders/${order.id}`);
    expect(current.body).toMatchObject({ id: order.id, status: "APPROVED", payer: { payer_id: "FAKEPAYER123", email_address: "buyer@example.com" } });
  });

  it("captures once; a replayed PayPal-Request-Id gets the same body, anything else a 422", async () => {
    const id = await approvedOrder();
    const requestId = crypto.randomUUID();
    const first = await api(`/v2/checkout/orders/${id}/capture`, { method: "POST", body: {}, requestId });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id, status: "COMPLETED", payer: { payer_id: "FAKEPAYER123" } });
    const capture = first.body.purchase_units[0].payments.captures[0];
    expect(first.body.purchase_units[0].reference_id).toBe("inv_1");
    expect(capture).toMatchObject({
      id: expect.stringMatching(/^[A-Z0-9]{17}$/),
      status: "COMPLETED",
      amount: { currency_code: "USD", value: "123.45" },
      final_capture: true,
      custom_id: "inv_1",
      invoice_id: "INV-0001",
      seller_receivable_breakdown: {
        gross_amount: { currency_code: "USD", value: "123.45" },
        paypal_fee: { currency_code: "USD", value: "4.80" },
        net_amount: { value: "118.65" },
      },
    });

    const replay = await api(`/v2/checkout/orders/${id}/capture`, { method: "POST", body: {}, requestId });
    expect(replay.text).toBe(first.text);
    const twice = await api(`/v2/checkout/orders/${id}/capture`, { method: "POST", body: {}, requestId: crypto.randomUUID() });
    expect(twice.status).toBe(422);
    expect(twice.body).toMatchObject({ name: "UNPROCESSABLE_ENTITY", details: [{ issue: "ORDER_ALREADY_CAPTURED" }] });

    const missing = await api(`/v2/checkout/orders/NOSUCHORDER00000/capture`, { method: "POST", body: {} });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ name: "RESOURCE_NOT_FOUND", details: [{ issue: "INVALID_RESOURCE_ID" }] });
  });
});

describe("webhooks", () => {
  it("delivers signed events the receiver verifies with the downloaded certificate", async () => {
    const id = await approvedOrder("50.00");
    paypal.capture(id);
    const fetchesBefore = paypal.certFetches;
    const delivery = await paypal.sendWebhook(paypal.captureCompletedEvent(id));
    expect(delivery).toMatchObject({ status: 200, body: "ok" });
    expect(paypal.certFetches).toBe(fetchesBefore + 1);
    const event = JSON.parse(received.at(-1)!.body);
    expect(event).toMatchObject({
      id: expect.stringMatching(/^WH-/),
      event_version: "1.0",
      resource_type: "capture",
      resource_version: "2.0",
      event_type: "PAYMENT.CAPTURE.COMPLETED",
      resource: {
        status: "COMPLETED",
        custom_id: "inv_1",
        invoice_id: "INV-0001",
        amount: { value: "50.00" },
        supplementary_data: { related_ids: { order_id: id } },
      },
    });
  });

  it("rejects a tampered body, another webhook id, a foreign cert URL, a bad signature and a missing header", async () => {
    const id = await approvedOrder("20.00");
    paypal.capture(id);
    const event = paypal.captureCompletedEvent(id, "PENDING");
    expect(event.resource.status).toBe("PENDING");
    const attempts = [
      { tamperBody: true },
      { webhookId: "WH-SOMEONE-ELSE" },
      { certUrl: "https://evil.example/cert.pem" },
      { signature: Buffer.from("nope").toString("base64") },
      { omitHeader: "PAYPAL-TRANSMISSION-SIG" },
    ];
    for (const opts of attempts) expect((await paypal.sendWebhook(event, opts)).status, JSON.stringify(opts)).toBe(400);
    expect(received.slice(-5).map((r) => r.reason)).toEqual(["bad signature", "bad signature", "untrusted cert url", "bad signature", "missing header"]);
    expect(JSON.parse(received.at(-5)!.body).resource.amount.value).toBe("0.01");
  });

  it("builds refund (with cumulative total) and dispute events from a capture", async () => {
    const id = await approvedOrder("100.00");
    const captureId = paypal.capture(id).purchase_units[0].payments.captures[0].id as string;
    const partial = paypal.refund(captureId, "30.00");
    expect(partial.eventType).toBe("PAYMENT.CAPTURE.REFUNDED");
    expect(partial.resource).toMatchObject({
      status: "COMPLETED",
      amount: { currency_code: "USD", value: "30.00" },
      custom_id: "inv_1",
      invoice_id: "INV-0001",
    });
    expect(partial.resource.links[0]).toEqual({ rel: "up", href: `${paypal.url}/v2/payments/captures/${captureId}`, method: "GET" });
    expect(() => paypal.refund(captureId, "70.01")).toThrow(/cannot refund/);
    const rest = paypal.refund(captureId);
    expect(rest.resource.amount.value).toBe("70.00");
    expect(rest.resource.seller_payable_breakdown.total_refunded_amount.value).toBe("100.00");
    expect(() => paypal.refund(captureId, "0.01")).toThrow(/cannot refund/);
    expect((await paypal.sendWebhook(rest)).status).toBe(200);
    expect(JSON.parse(received.at(-1)!.body).resource_type).toBe("refund");

    const dispute = paypal.dispute(captureId);
    expect(dispute.resource).toMatchObject({
      dispute_id: expect.stringMatching(/^PP-D-/),
      status: "OPEN",
      reason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
      dispute_amount: { currency_code: "USD", value: "100.00" },
      disputed_transactions: [{ seller_transaction_id: captureId }],
    });
    expect((await paypal.sendWebhook(dispute.eventType, dispute.resource)).status).toBe(200);
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({ resource_type: "dispute", event_type: "CUSTOMER.DISPUTE.CREATED" });
  });

  it("signPayPalWebhook produces headers any verifier can check", () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const body = JSON.stringify({ hello: "wörld" });
    const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const headers = signPayPalWebhook({ body, webhookId: "WH-1", privateKeyPem, certUrl: "https://example.test/cert" });
    const message = `${headers["PAYPAL-TRANSMISSION-ID"]}|${headers["PAYPAL-TRANSMISSION-TIME"]}|WH-1|${zlib.crc32(Buffer.from(body))}`;
    expect(crypto.verify("sha256", Buffer.from(message), publicKey, Buffer.from(headers["PAYPAL-TRANSMISSION-SIG"], "base64"))).toBe(true);
    expect(headers["PAYPAL-AUTH-ALGO"]).toBe("SHA256withRSA");
  });
});

describe("partner mode", () => {
  const assertion = (payerId: string) =>
    `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${Buffer.from(JSON.stringify({ iss: CREDS.clientId, payer_id: payerId })).toString("base64url")}.`;

  async function onboard(trackingId: string) {
    const referral = await api("/v2/customer/partner-referrals", {
      method: "POST",
      body: {
        tracking_id: trackingId,
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
        partner_config_override: { return_url: "http://127.0.0.1:3000/settings/payments/paypal/return?state=s1" },
      },
    });
    expect(referral.status).toBe(201);
    const actionUrl = referral.body.links.find((l: { rel: string }) => l.rel === "action_url").href as string;
    const page = await fetch(actionUrl);
    expect(await page.text()).toContain('<form method="post"');
    const done = await fetch(actionUrl, { method: "POST", body: new URLSearchParams({ email: "seller@example.com" }), redirect: "manual" });
    expect(done.status).toBe(303);
    const back = new URL(done.headers.get("location")!);
    expect(back.searchParams.get("state")).toBe("s1");
    expect(back.searchParams.get("merchantId")).toBe(trackingId);
    return back.searchParams.get("merchantIdInPayPal")!;
  }

  it("referral → no-JS onboarding page → return with merchantIdInPayPal; merchant-integrations reports it; the webhook is signed", async () => {
    const merchantId = await onboard("track-1");
    const status = await api(`/v1/customer/partners/ANY/merchant-integrations/${merchantId}`);
    expect(status.body).toMatchObject({ merchant_id: merchantId, tracking_id: "track-1", payments_receivable: true, primary_email_confirmed: true });
    await paypal.settled();
    const delivery = received.find((r) => r.body.includes("MERCHANT.ONBOARDING.COMPLETED") && r.body.includes(merchantId));
    expect(delivery?.verified).toBe(true);
    expect((await api("/v2/customer/partner-referrals", { method: "POST", body: { tracking_id: "x" } })).status).toBe(400);
  });

  it("orders pay the merchant; its captures are refunded only with its auth assertion, once per PayPal-Request-Id, never beyond what is left", async () => {
    const merchantId = await onboard("track-2");
    const body = orderBody("80.00");
    (body.purchase_units[0] as Record<string, unknown>).payee = { merchant_id: merchantId };
    const order = await api("/v2/checkout/orders", { method: "POST", body });
    expect(order.status).toBe(201);
    paypal.approve(order.body.id);
    const captured = await api(`/v2/checkout/orders/${order.body.id}/capture`, { method: "POST", body: {} });
    const capture = captured.body.purchase_units[0].payments.captures[0];
    expect(capture.payee.merchant_id).toBe(merchantId);
    const bad = await api("/v2/checkout/orders", {
      method: "POST",
      body: { ...orderBody(), purchase_units: [{ ...orderBody().purchase_units[0], payee: { merchant_id: "NOBODY1234" } }] },
    });
    expect(bad.status).toBe(422);

    const refund = (headers: Record<string, string>, amount?: string) =>
      fetch(`${paypal.url}/v2/payments/captures/${capture.id}/refund`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${headers.bearer}`,
          "Content-Type": "application/json",
          ...(headers.assertion ? { "PayPal-Auth-Assertion": headers.assertion } : {}),
          ...(headers.requestId ? { "PayPal-Request-Id": headers.requestId } : {}),
        },
        body: JSON.stringify(amount ? { amount: { currency_code: "USD", value: amount } } : {}),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const bearer = await token();
    expect((await refund({ bearer }, "10.00")).status).toBe(403);
    expect((await refund({ bearer, assertion: assertion("SOMEONEELSE1") }, "10.00")).status).toBe(403);
    const first = await refund({ bearer, assertion: assertion(merchantId), requestId: "r-1" }, "30.00");
    const again = await refund({ bearer, assertion: assertion(merchantId), requestId: "r-1" }, "30.00");
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(paypal.apiRefunds.filter((r) => r.captureId === capture.id)).toHaveLength(1);
    expect((await refund({ bearer, assertion: assertion(merchantId), requestId: "r-2" }, "50.01")).body.details[0].issue).toBe("REFUND_AMOUNT_EXCEEDED");
    paypal.failNext(503);
    expect((await refund({ bearer, assertion: assertion(merchantId), requestId: "r-3" }, "50.00")).status).toBe(503);
    expect((await refund({ bearer, assertion: assertion(merchantId), requestId: "r-3" }, "50.00")).status).toBe(201);
    await paypal.settled();

    // Consent withdrawn: nothing more on the merchant's behalf.
    const revoked = paypal.revokeConsent(merchantId);
    expect(revoked.eventType).toBe("MERCHANT.PARTNER-CONSENT.REVOKED");
    expect((await api(`/v1/customer/partners/ANY/merchant-integrations/${merchantId}`)).status).toBe(404);
  });
});
