import { afterEach, describe, expect, it, vi } from "vitest";
import { scrubEvent } from "./sentry.server";

type Event = Parameters<typeof scrubEvent>[0];

const TOKEN = "rst_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const PASSWORD = "correct horse battery staple";
const CARD = "4242424242424242";

function makeEvent(): Event {
  return {
    event_id: "0123456789abcdef0123456789abcdef",
    message: "boom",
    request: {
      method: "POST",
      url: `https://invoicelink.test/reset-password?token=${TOKEN}&step=2`,
      query_string: `token=${TOKEN}&t=${TOKEN}&step=2`,
      data: `password=${encodeURIComponent(PASSWORD)}&token=${TOKEN}`,
      cookies: { __session: "session-cookie-value", __flash: "flash-cookie-value" },
      headers: {
        Cookie: "__session=session-cookie-value",
        Authorization: "Bearer api-key-value",
        "x-api-key": "api-key-value",
        "User-Agent": "Mozilla/5.0",
        Accept: "text/html",
      },
    },
    user: { id: "user_123", email: "pat@example.com", ip_address: "203.0.113.9", username: "pat" },
    extra: {
      invoiceId: "inv_1",
      password: PASSWORD,
      newPassword: PASSWORD,
      resetToken: TOKEN,
      cardNumber: CARD,
      nested: { token: TOKEN, card: { number: CARD, cvc: "123" }, amountCents: 1500 },
      list: [{ password: PASSWORD }, "plain"],
    },
    breadcrumbs: [
      { category: "auth", message: "login attempt", data: { password: PASSWORD, email: "pat@example.com", attempt: 2 } },
      { category: "payment", data: { card: CARD, cardLast4: "4242", token: TOKEN, currency: "USD" } },
      { category: "navigation" },
    ],
  };
}

describe("scrubEvent", () => {
  it("removes request bodies and cookies", () => {
    const event = scrubEvent(makeEvent());
    expect(event.request).toBeDefined();
    expect(event.request!.data).toBeUndefined();
    expect(event.request!.cookies).toBeUndefined();
    expect(event.request!.method).toBe("POST");
  });

  it("removes authorization and cookie headers, whatever their case, and keeps harmless ones", () => {
    const event = scrubEvent(makeEvent());
    const headers = event.request!.headers!;
    const names = Object.keys(headers).map((h) => h.toLowerCase());
    expect(names).not.toContain("cookie");
    expect(names).not.toContain("authorization");
    expect(names).not.toContain("x-api-key");
    expect(headers["User-Agent"]).toBe("Mozilla/5.0");
    expect(headers.Accept).toBe("text/html");
  });

  it("keeps only the user id", () => {
    const event = scrubEvent(makeEvent());
    expect(event.user).toEqual({ id: "user_123" });
    const anonymous = scrubEvent({ ...makeEvent(), user: { email: "pat@example.com", ip_address: "203.0.113.9" } });
    expect(anonymous.user).toEqual({});
  });

  it("redacts token and t query parameters in the url and the query string", () => {
    const event = scrubEvent(makeEvent());
    expect(event.request!.url).not.toContain(TOKEN);
    expect(event.request!.url!.startsWith("https://invoicelink.test/reset-password?")).toBe(true);
    const url = new URL(event.request!.url!);
    expect(url.searchParams.get("token")).toBe("[Redacted]");
    expect(url.searchParams.get("step")).toBe("2");

    const qs = event.request!.query_string;
    expect(typeof qs).toBe("string");
    expect(qs).not.toContain(TOKEN);
    const query = new URLSearchParams(qs as string);
    expect(query.get("token")).toBe("[Redacted]");
    expect(query.get("t")).toBe("[Redacted]");
    expect(query.get("step")).toBe("2");
  });

  it("drops a query string given as an object or a list, which it cannot redact reliably", () => {
    const asObject = scrubEvent({ ...makeEvent(), request: { url: "https://invoicelink.test/x", query_string: { token: TOKEN } } });
    expect(asObject.request!.query_string).toBeUndefined();
    const asList = scrubEvent({ ...makeEvent(), request: { url: "https://invoicelink.test/x", query_string: [["t", TOKEN]] } });
    expect(asList.request!.query_string).toBeUndefined();
  });

  it("redacts password, token and card keys in extra, at any depth, and keeps the rest", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from a fake or a response, read loosely
    const extra = scrubEvent(makeEvent()).extra as Record<string, any>;
    expect(JSON.stringify(extra)).not.toContain(PASSWORD);
    expect(JSON.stringify(extra)).not.toContain(TOKEN);
    expect(JSON.stringify(extra)).not.toContain(CARD);
    expect(extra.password).toBe("[Redacted]");
    expect(extra.newPassword).toBe("[Redacted]");
    expect(extra.resetToken).toBe("[Redacted]");
    expect(extra.cardNumber).toBe("[Redacted]");
    expect(extra.nested.token).toBe("[Redacted]");
    expect(extra.nested.card).toBe("[Redacted]");
    expect(extra.nested.amountCents).toBe(1500);
    expect(extra.list[0].password).toBe("[Redacted]");
    expect(extra.list[1]).toBe("plain");
    expect(extra.invoiceId).toBe("inv_1");
  });

  it("redacts password, token and card keys in breadcrumb data and keeps the breadcrumbs", () => {
    const breadcrumbs = scrubEvent(makeEvent()).breadcrumbs!;
    expect(breadcrumbs).toHaveLength(3);
    expect(JSON.stringify(breadcrumbs)).not.toContain(PASSWORD);
    expect(JSON.stringify(breadcrumbs)).not.toContain(TOKEN);
    expect(JSON.stringify(breadcrumbs)).not.toContain(CARD);
    expect(breadcrumbs[0].message).toBe("login attempt");
    expect(breadcrumbs[0].data).toMatchObject({ password: "[Redacted]", attempt: 2 });
    expect(breadcrumbs[1].data).toMatchObject({ card: "[Redacted]", cardLast4: "[Redacted]", token: "[Redacted]", currency: "USD" });
    expect(breadcrumbs[2].category).toBe("navigation");
    expect(breadcrumbs[2].data).toBeUndefined();
  });

  it("redacts token-bearing URLs recorded by HTTP breadcrumbs", () => {
    const event = scrubEvent({
      ...makeEvent(),
      breadcrumbs: [
        {
          category: "http",
          type: "http",
          data: { url: `https://invoicelink.test/reset-password?token=${TOKEN}`, "http.method": "GET", "http.query": `token=${TOKEN}&a=1`, status_code: 200 },
        },
      ],
    });
    const data = event.breadcrumbs![0].data!;
    expect(JSON.stringify(data)).not.toContain(TOKEN);
    expect(data["http.method"]).toBe("GET");
    expect(data.status_code).toBe(200);
    expect(new URL(data.url as string).pathname).toBe("/reset-password");
  });

  it("copes with events that carry no request, user, extra or breadcrumbs", () => {
    const event = scrubEvent({ message: "plain" });
    expect(event).toEqual({ message: "plain" });
  });
});

describe("client errors stay out of Sentry (issue 15, item 11)", () => {
  it("a thrown 4xx response or Remix error response is a client error; an Error or a 5xx is not", async () => {
    const { errorForLog, isClientError, thrownStatus } = await import("./sentry.server");
    const remixNotFound = { status: 404, statusText: "Not Found", internal: true, data: 'Error: No route matches URL "/.env"' };
    expect(thrownStatus(remixNotFound)).toBe(404);
    expect(isClientError(remixNotFound)).toBe(true);
    expect(isClientError(new Response("Not found", { status: 404 }))).toBe(true);
    expect(isClientError(new Response("Bad", { status: 400 }))).toBe(true);
    expect(isClientError(new Response("Down", { status: 503 }))).toBe(false);
    expect(isClientError(new Error("boom"))).toBe(false);
    expect(isClientError({ some: "object" })).toBe(false);
    expect(JSON.stringify(errorForLog(remixNotFound))).not.toContain("[object Object]");
    expect(errorForLog({ some: "object" })).toEqual({ message: '{"some":"object"}' });
    expect(errorForLog(new Error("boom"))).toMatchObject({ message: "boom" });
  });
});

describe("the SDK is loaded only when SENTRY_DSN is set (issue 17: @sentry/remix costs about 39 MB of RSS)", () => {
  const DSN = "http://public@127.0.0.1:9/1";

  /** A fresh copy of this module and of the validated env, with @sentry/remix replaced by a recorder. */
  async function load(dsn: string | undefined) {
    vi.resetModules();
    vi.stubEnv("SENTRY_DSN", dsn ?? "");
    const sdk = { loaded: false, init: vi.fn(), captureException: vi.fn(), withScope: vi.fn() };
    sdk.withScope.mockImplementation((callback: (scope: { setSDKProcessingMetadata: () => void }) => void) => callback({ setSDKProcessingMetadata: vi.fn() }));
    vi.doMock("@sentry/remix", () => {
      sdk.loaded = true;
      return sdk;
    });
    return { sdk, module: await import("./sentry.server") };
  }

  afterEach(() => {
    vi.doUnmock("@sentry/remix");
    vi.unstubAllEnvs();
  });

  it("without a DSN, starting and reporting load nothing", async () => {
    const { sdk, module } = await load(undefined);
    await module.initSentry(undefined, "production");
    await module.captureRequestError(new Error("boom"), { url: "https://invoicelink.test/dashboard", method: "GET" });
    await module.captureJobError(new Error("boom"), { task: "send-email", id: "1", attempts: 4 });
    expect(sdk.loaded).toBe(false);
  });

  it("with a DSN, Sentry starts with the scrubbing hooks and request and job errors are reported", async () => {
    const { sdk, module } = await load(DSN);
    await module.initSentry(DSN, "production");
    expect(sdk.init).toHaveBeenCalledWith(
      expect.objectContaining({ dsn: DSN, environment: "production", sendDefaultPii: false, beforeSend: expect.any(Function) }),
    );
    const crash = new Error("boom");
    await module.captureRequestError(crash, { url: "https://invoicelink.test/dashboard", method: "GET" });
    await module.captureJobError(crash, { task: "send-email", id: "7", attempts: 4 });
    expect(sdk.captureException).toHaveBeenNthCalledWith(1, crash);
    expect(sdk.captureException).toHaveBeenNthCalledWith(2, crash, { tags: { task: "send-email" }, extra: { jobId: "7", attempts: 4 } });
  });
});
