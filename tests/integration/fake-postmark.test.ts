// Checks the fake Postmark (tests/fakes/postmark.ts) against the official SDK, configured the way the
// app configures it, so app tests built on the fake see the same requests, responses and error classes
// as against the real API; and checks the webhooks it posts (payload shapes, HTTP Basic auth).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Errors, ServerClient } from "postmark";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { basicAuth, startFakePostmark, type FakePostmark } from "../fakes/postmark";

const serverToken = "pm-server-token-0123456789";
const webhookUser = "postmark";
const webhookPassword = "hook-secret-xyz";

let fake: FakePostmark;
let client: ServerClient;
let receiver: http.Server;
/** Webhook requests the receiver got, in arrival order. */
let received: Array<{ path: string; authorization?: string; contentType?: string; raw: string }> = [];

const email = (overrides: Record<string, unknown> = {}) => ({
  From: "Invoices <billing@example.com>",
  To: "customer@example.org",
  Subject: "Invoice #1001",
  TextBody: "Your invoice is ready.",
  HtmlBody: "<p>Your invoice is ready.</p>",
  MessageStream: "outbound",
  Tag: "invoice-sent",
  Metadata: { messageId: "cm0abc123def456ghi789jkl0" },
  ...overrides,
});

/** The rejection of a promise, for inspecting the SDK's error object. */
async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as InstanceType<typeof Errors.PostmarkError> & { recipients?: string[] };
  }
  throw new Error("expected the promise to reject");
}

beforeAll(async () => {
  // A stand-in for the app's Postmark webhook route: 401 without the right Basic credentials.
  receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    received.push({
      path: req.url ?? "",
      authorization: req.headers.authorization,
      contentType: req.headers["content-type"],
      raw: Buffer.concat(chunks).toString(),
    });
    const ok = req.headers.authorization === basicAuth(webhookUser, webhookPassword);
    res.writeHead(ok ? 200 : 401).end(ok ? "ok" : "unauthorized");
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/postmark`;
  fake = await startFakePostmark({ serverToken, webhookUrl, webhookUser, webhookPassword });
  client = new ServerClient(serverToken, { useHttps: false, requestHost: fake.host, timeout: 10 });
});

afterAll(async () => {
  await fake?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

beforeEach(() => {
  fake.reset();
  received = [];
});

describe("POST /email through the SDK", () => {
  it("accepts a send and answers like Postmark", async () => {
    const result = await client.sendEmail(email());
    expect(result).toMatchObject({ To: "customer@example.org", ErrorCode: 0, Message: "OK" });
    expect(result.MessageID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(result.SubmittedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}-05:00$/);
    expect(Math.abs(new Date(result.SubmittedAt).getTime() - Date.now())).toBeLessThan(60_000);

    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ messageId: result.MessageID, body: email() });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ status: 200, body: email() });
    // What the SDK sends: the token header, JSON both ways, on http://<requestHost>/email.
    expect(fake.calls[0].headers).toMatchObject({ "x-postmark-server-token": serverToken, accept: "application/json", "content-type": "application/json" });
  });

  it("accepts an empty TextBody when there is an HtmlBody (and the reverse)", async () => {
    await client.sendEmail(email({ TextBody: "", HtmlBody: "<p>hi</p>" }));
    await client.sendEmail(email({ HtmlBody: undefined }));
    expect(fake.sent).toHaveLength(2);
  });

  it("fails scripted calls in order, then answers normally; the SDK does not retry", async () => {
    fake.script([500, 200]);
    const error = await rejection(client.sendEmail(email()));
    expect(error).toBeInstanceOf(Errors.InternalServerError);
    expect(error).toBeInstanceOf(Errors.HttpError);
    expect(error).toBeInstanceOf(Errors.PostmarkError);
    expect(error).toMatchObject({ name: "InternalServerError", statusCode: 500, code: 0, message: "Internal server error" });
    expect(fake.calls.map((c) => c.status)).toEqual([500]); // one attempt per sendEmail
    expect(fake.sent).toHaveLength(0);

    const ok = await client.sendEmail(email());
    expect(fake.sent.map((s) => s.messageId)).toEqual([ok.MessageID]);
    expect(fake.calls.map((c) => c.status)).toEqual([500, 200]);
    await client.sendEmail(email()); // script exhausted: 200
    expect(fake.calls.map((c) => c.status)).toEqual([500, 200, 200]);
  });

  it("maps each scripted status to the SDK's error class with Postmark's ErrorCode", async () => {
    fake.script([{ status: 422, errorCode: 406 }, 429, 503, 502, 401, { status: 422, errorCode: 300 }, { status: 500, errorCode: 0, message: "Boom" }]);
    const inactive = await rejection(client.sendEmail(email()));
    expect(inactive).toBeInstanceOf(Errors.InactiveRecipientsError);
    expect(inactive).toBeInstanceOf(Errors.ApiInputError);
    expect(inactive).toMatchObject({ statusCode: 422, code: 406, recipients: ["customer@example.org"] });
    expect(inactive.message).toContain("marked as inactive");

    expect(await rejection(client.sendEmail(email()))).toMatchObject({
      name: "RateLimitExceededError",
      statusCode: 429,
      code: 429,
      message: "Rate limit exceeded",
    });
    expect(await rejection(client.sendEmail(email()))).toMatchObject({ name: "ServiceUnavailablerError", statusCode: 503, code: 0 });
    expect(await rejection(client.sendEmail(email()))).toMatchObject({ name: "UnknownError", statusCode: 502, code: 0 });
    expect(await rejection(client.sendEmail(email()))).toMatchObject({ name: "InvalidAPIKeyError", statusCode: 401, code: 10 });
    expect(await rejection(client.sendEmail(email()))).toMatchObject({ name: "InvalidEmailRequestError", statusCode: 422, code: 300 });
    expect(await rejection(client.sendEmail(email()))).toMatchObject({ name: "InternalServerError", statusCode: 500, code: 0, message: "Boom" });
    expect(fake.calls.map((c) => [c.status, c.errorCode])).toEqual([
      [422, 406],
      [429, 429],
      [503, 0],
      [502, 0],
      [401, 10],
      [422, 300],
      [500, 0],
    ]);
    expect(fake.sent).toHaveLength(0);
  });

  it("failAll fails every call until reset()", async () => {
    fake.failAll(503);
    await expect(client.sendEmail(email())).rejects.toBeInstanceOf(Errors.ServiceUnavailablerError);
    await expect(client.sendEmail(email())).rejects.toBeInstanceOf(Errors.ServiceUnavailablerError);
    fake.reset();
    await expect(client.sendEmail(email())).resolves.toMatchObject({ ErrorCode: 0 });
  });

  it("rejects a wrong or missing server token with 401 / ErrorCode 10", async () => {
    const wrong = new ServerClient("not-the-token", { useHttps: false, requestHost: fake.host, timeout: 10 });
    const error = await rejection(wrong.sendEmail(email()));
    expect(error).toBeInstanceOf(Errors.InvalidAPIKeyError);
    expect(error).toMatchObject({ statusCode: 401, code: 10 });

    const res = await fetch(`${fake.url}/email`, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(email()),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ErrorCode: 10, Message: expect.stringContaining("X-Postmark-Server-Token") });
    expect(fake.calls.map((c) => c.status)).toEqual([401, 401]);
    expect(fake.sent).toHaveLength(0);
  });

  it("validates the message like Postmark (422 / ErrorCode 300)", async () => {
    const bad = [
      email({ From: undefined }),
      email({ To: undefined }),
      email({ To: "nobody" }),
      email({ To: "customer@example.org, Someone <not-an-address>" }),
      email({ Subject: undefined }),
      email({ TextBody: undefined, HtmlBody: undefined }),
      email({ TextBody: "", HtmlBody: "" }),
      email({ Metadata: { messageId: 42 } }),
    ];
    for (const message of bad) {
      const error = await rejection(client.sendEmail(message as ReturnType<typeof email>));
      expect(error, JSON.stringify(message)).toBeInstanceOf(Errors.InvalidEmailRequestError);
      expect(error).toMatchObject({ statusCode: 422, code: 300 });
    }
    expect((await rejection(client.sendEmail(email({ To: "nobody" })))).message).toMatch(/Illegal email address 'nobody'/);
    expect(await rejection(client.sendEmail(email({ MessageStream: "nope" })))).toMatchObject({ name: "ApiInputError", statusCode: 422, code: 1235 });
    expect(fake.sent).toHaveLength(0);
  });

  it("answers raw invalid JSON with ErrorCode 402", async () => {
    const res = await fetch(`${fake.url}/email`, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-Postmark-Server-Token": serverToken },
      body: "{not json",
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ ErrorCode: 402, Message: "Received invalid JSON input." });
  });

  it("refuses recipients that hard-bounced or complained (406), like Postmark's suppression", async () => {
    const first = await client.sendEmail(email({ To: "gone@example.org" }));
    expect((await fake.bounce(first.MessageID)).status).toBe(200);
    expect(fake.inactive.has("gone@example.org")).toBe(true);
    const error = await rejection(client.sendEmail(email({ To: "Gone <GONE@example.org>" })));
    expect(error).toBeInstanceOf(Errors.InactiveRecipientsError);
    expect(error).toMatchObject({ statusCode: 422, code: 406, recipients: ["GONE@example.org"] });
    // A soft bounce does not deactivate; a spam complaint does.
    const second = await client.sendEmail(email({ To: "full@example.org" }));
    await fake.bounce(second.MessageID, "SoftBounce");
    await client.sendEmail(email({ To: "full@example.org" }));
    await fake.spamComplaint(second.MessageID);
    await expect(client.sendEmail(email({ To: "full@example.org" }))).rejects.toBeInstanceOf(Errors.InactiveRecipientsError);
  });

  it("answers slowly with setDelay; the SDK's timeout (seconds) surfaces as a plain PostmarkError", async () => {
    const impatient = new ServerClient(serverToken, { useHttps: false, requestHost: fake.host, timeout: 1 });
    fake.setDelay(1_500);
    const error = await rejection(impatient.sendEmail(email()));
    expect(error.constructor).toBe(Errors.PostmarkError);
    expect(error).toMatchObject({ statusCode: 0, code: 0 });
    expect(error.message).toMatch(/timeout|abort/i);
    fake.setDelay(0);
  });
});

describe("webhooks", () => {
  const parse = (i = received.length - 1) => JSON.parse(received[i].raw);

  it("posts a Delivery with the configured Basic auth and the sent message's details", async () => {
    const { MessageID } = await client.sendEmail(email());
    const result = await fake.deliver(MessageID);
    expect(result).toEqual({ status: 200, body: "ok" });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      path: "/webhooks/postmark",
      authorization: basicAuth(webhookUser, webhookPassword),
      contentType: expect.stringContaining("application/json"),
    });
    const body = parse();
    expect(body).toEqual({
      RecordType: "Delivery",
      ServerID: expect.any(Number),
      MessageStream: "outbound",
      MessageID,
      Recipient: "customer@example.org",
      Tag: "invoice-sent",
      DeliveredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/),
      Details: expect.any(String),
      Metadata: { messageId: "cm0abc123def456ghi789jkl0" },
    });
    expect(fake.webhooks).toEqual([{ payload: body, status: 200, body: "ok", authorization: basicAuth(webhookUser, webhookPassword) }]);
  });

  it("posts Open, Click, Bounce and SpamComplaint in Postmark's shapes", async () => {
    const { MessageID } = await client.sendEmail(email());
    await fake.open(MessageID);
    expect(parse()).toMatchObject({
      RecordType: "Open",
      FirstOpen: true,
      MessageID,
      Recipient: "customer@example.org",
      Tag: "invoice-sent",
      MessageStream: "outbound",
      ReadSeconds: expect.any(Number),
      Platform: expect.any(String),
      UserAgent: expect.any(String),
      ReceivedAt: expect.any(String),
      Client: { Name: expect.any(String), Company: expect.any(String), Family: expect.any(String) },
      OS: expect.any(Object),
      Geo: expect.any(Object),
      Metadata: { messageId: "cm0abc123def456ghi789jkl0" },
    });
    await fake.click(MessageID, "https://app.example/pay/abc");
    expect(parse()).toMatchObject({
      RecordType: "Click",
      ClickLocation: "HTML",
      OriginalLink: "https://app.example/pay/abc",
      MessageID,
      Recipient: "customer@example.org",
      Metadata: { messageId: "cm0abc123def456ghi789jkl0" },
    });
    await fake.bounce(MessageID);
    expect(parse()).toMatchObject({
      RecordType: "Bounce",
      ID: expect.any(Number),
      Type: "HardBounce",
      TypeCode: 1,
      Name: "Hard bounce",
      Tag: "invoice-sent",
      MessageID,
      ServerID: expect.any(Number),
      MessageStream: "outbound",
      Description: expect.any(String),
      Details: expect.any(String),
      Email: "customer@example.org",
      From: "billing@example.com",
      BouncedAt: expect.any(String),
      DumpAvailable: true,
      Inactive: true,
      CanActivate: true,
      Subject: "Invoice #1001",
      Content: expect.any(String),
      Metadata: { messageId: "cm0abc123def456ghi789jkl0" },
    });
    await fake.bounce(MessageID, "SoftBounce");
    expect(parse()).toMatchObject({ RecordType: "Bounce", Type: "SoftBounce", TypeCode: 4096, Inactive: false });
    await fake.spamComplaint(MessageID);
    expect(parse()).toMatchObject({
      RecordType: "SpamComplaint",
      Type: "SpamComplaint",
      TypeCode: 512,
      Email: "customer@example.org",
      Inactive: true,
      MessageID,
    });
    expect(received.every((r) => r.authorization === basicAuth(webhookUser, webhookPassword))).toBe(true);
  });

  it("still posts for an unknown MessageID, and applies overrides", async () => {
    await fake.deliver("00000000-0000-0000-0000-000000000000", { overrides: { Recipient: "x@example.net" } });
    expect(parse()).toMatchObject({ RecordType: "Delivery", MessageID: "00000000-0000-0000-0000-000000000000", Recipient: "x@example.net", Metadata: {} });
  });

  it("can send wrong or no credentials, and raw bodies", async () => {
    expect(await fake.deliver("m-1", { auth: null })).toEqual({ status: 401, body: "unauthorized" });
    expect(received[0].authorization).toBeUndefined();
    expect((await fake.deliver("m-1", { auth: basicAuth(webhookUser, "wrong") })).status).toBe(401);
    expect(received[1].authorization).toBe(basicAuth(webhookUser, "wrong"));
    expect(await fake.postWebhook("{not json")).toEqual({ status: 200, body: "ok" });
    expect(received[2].raw).toBe("{not json");
    await fake.postWebhook({ RecordType: "SubscriptionChange", MessageID: "m-2" }, { auth: "Bearer nope" });
    expect(received[3]).toMatchObject({ authorization: "Bearer nope", raw: JSON.stringify({ RecordType: "SubscriptionChange", MessageID: "m-2" }) });
  });

  it("turns credentials in the webhook URL into Basic auth", async () => {
    const port = (receiver.address() as AddressInfo).port;
    const other = await startFakePostmark({ serverToken, webhookUrl: `http://${webhookUser}:${webhookPassword}@127.0.0.1:${port}/hooks` });
    try {
      expect(await other.deliver("m-3")).toEqual({ status: 200, body: "ok" });
      expect(received[0]).toMatchObject({ path: "/hooks", authorization: basicAuth(webhookUser, webhookPassword) });
    } finally {
      await other.stop();
    }
  });
});
