// A test-only fake of the slice of the Postmark HTTP API the app uses: POST /email (Server token auth,
// Postmark's validation and error bodies, scripted failures, inactive-recipient suppression), POST
// /email/batch (up to 500 messages; HTTP 200 with one result per message, in order: ErrorCode 0 with a
// MessageID for each accepted one, ErrorCode and Message alone for each refused one), the
// outbound message search (GET /messages/outbound with count, offset, recipient, tag and metadata_<key>
// filters, newest first, as the Messages API answers it), and the
// outbound webhooks (Delivery, Open, Click, Bounce, SpamComplaint) posted with HTTP Basic auth the way
// Postmark sends credentials embedded in a webhook URL. node:http only. The official SDK talks to it via
// `new ServerClient(token, { useHttps: false, requestHost: fake.host, timeout: 10 })`; the SDK builds
// `${useHttps ? "https" : "http"}://${requestHost}/email` and never retries on its own.
import { randomInt, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** One entry of `script()`: a bare HTTP status, or a status with the Postmark ErrorCode/Message to answer. */
type ScriptedResponse = number | { status: number; errorCode?: number; message?: string };
type SentEmail = { messageId: string; at: number; body: Json };
/** `path` "/email" or "/email/batch"; a batch call's `results` are the per-message answers it sent (when HTTP 200). */
type EmailCall = { at: number; path: string; status: number; errorCode: number; body: unknown; headers: http.IncomingHttpHeaders; results?: Json[] };
/** A per-message refusal inside a batch: the result entry Postmark answers for that message. */
type ItemError = { errorCode: number; message?: string };
/** `auth`: omitted → the configured Basic credentials; null → no Authorization header; a string → that exact header value. */
type WebhookOptions = { auth?: string | null };
/** Per-event options: field overrides merged over the generated payload (e.g. `{ Recipient }`, `{ Metadata: {} }`). */
type EventOptions = WebhookOptions & { overrides?: Json };
export type WebhookResult = { status: number; body: string };
type BounceType = keyof typeof BOUNCE_TYPES;

export type FakePostmark = {
  /** http://127.0.0.1:<port> */
  url: string;
  /** "127.0.0.1:<port>", the SDK's `requestHost`. */
  host: string;
  port: number;
  /** Accepted messages only, in order (single sends and each accepted message of a batch). */
  sent: SentEmail[];
  /** Every POST /email and POST /email/batch call with the status it was answered (including 401/422/5xx). */
  calls: EmailCall[];
  /** Every GET /messages/outbound search, with its query parameters and how many messages matched. */
  searches: Array<{ at: number; status: number; query: Record<string, string>; matched: number }>;
  /** Every webhook POST the fake made (status 0 when the receiver could not be reached). */
  webhooks: Array<{ payload: unknown; status: number; body: string; authorization: string | null }>;
  /** Addresses Postmark would refuse with 406 (a hard bounce or spam complaint adds the recipient; lower-case). */
  inactive: Set<string>;
  /** The next N POST /email or /email/batch calls answer these statuses, in order, before any other check; then normal handling. */
  script(responses: ScriptedResponse[]): void;
  /**
   * Messages to this recipient (lower-cased) are refused inside a batch with this result, the next `times`
   * times (default: every time), while the batch's other messages are accepted: a partial failure.
   */
  failRecipient(address: string, error: ItemError, times?: number): void;
  /** Wait this long before answering each POST /email or /email/batch, after accepting it (0 to stop). */
  setDelay(ms: number): void;
  /** Every POST /email (after any script) answers this status until reset(). */
  failAll(status: number, errorCode?: number): void;
  /** Back to normal answering, and empties sent/calls/webhooks/inactive in place (same array/set objects). */
  reset(): void;
  setWebhookUrl(url: string): void;
  deliver(messageId: string, opts?: EventOptions): Promise<WebhookResult>;
  open(messageId: string, opts?: EventOptions): Promise<WebhookResult>;
  click(messageId: string, url?: string, opts?: EventOptions): Promise<WebhookResult>;
  bounce(messageId: string, type?: BounceType, opts?: EventOptions): Promise<WebhookResult>;
  spamComplaint(messageId: string, opts?: EventOptions): Promise<WebhookResult>;
  /** POSTs a body (objects are JSON-encoded, strings sent as-is) to the webhook URL. */
  postWebhook(body: unknown, opts?: WebhookOptions): Promise<WebhookResult>;
  stop(): Promise<void>;
};

const FAKE_SERVER_ID = 23;
export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

// Postmark's bounce types (https://postmarkapp.com/developer/api/bounce-api#bounce-types):
// TypeCode, Name, Description, and whether the address becomes inactive.
const BOUNCE_TYPES = {
  HardBounce: [1, "Hard bounce", "The server was unable to deliver your message (ex: unknown user, mailbox not found).", true],
  Transient: [2, "Message delayed", "The server could not temporarily deliver your message (ex: Message is delayed due to network troubles).", false],
  Unsubscribe: [16, "Unsubscribe request", "Unsubscribe or Remove request.", false],
  AutoResponder: [64, "Auto responder", 'Automatic email responder (ex: "Out of Office" or "On Vacation").', false],
  DnsError: [256, "DNS error", "A temporary DNS error.", false],
  SoftBounce: [4096, "Soft bounce", "Unable to temporarily deliver message (i.e. mailbox full, account disabled, exceeds quota, out of disk space).", false],
  BadEmailAddress: [100000, "Invalid email address", "The address is not a valid email address.", true],
  ManuallyDeactivated: [100002, "Manually deactivated", "The email was manually deactivated.", true],
  Blocked: [100006, "ISP block", "ISP block", false],
} as const satisfies Record<string, readonly [number, string, string, boolean]>;

const ERROR_MESSAGES: Record<number, [number, string]> = {
  401: [10, "The Server API token provided is not valid. Please check that you are using the correct Server token."],
  422: [406, ""], // filled in per request (names the recipients)
  429: [429, "Rate limit exceeded"],
};

/** Postmark timestamps carry 7 fractional digits ("2019-11-05T16:33:54.9070259Z"). */
const postmarkTime = (d = new Date()) => d.toISOString().replace(/\.(\d{3})Z$/, (_, ms) => `.${ms}${String(randomInt(10_000)).padStart(4, "0")}Z`);
/** The send response's SubmittedAt is in US Eastern with an offset ("2010-11-26T12:01:05.1794748-05:00"). */
const submittedAt = (d = new Date()) => postmarkTime(new Date(d.getTime() - 5 * 3600_000)).replace(/Z$/, "-05:00");

/** Splits "A <a@x.com>, b@y.com" into addresses (quoted display names may contain commas). */
function parseAddressList(value: string): string[] {
  const parts = value.match(/(?:"[^"]*"|[^,])+/g) ?? [];
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (/<([^<>]*)>\s*$/.exec(p)?.[1] ?? p).trim());
}
const isEmail = (a: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a);
const inactiveMessage = (addresses: string[]) =>
  `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${addresses.join(", ")}. ` +
  "Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.";

class PostmarkHttpError extends Error {
  constructor(
    public status: number,
    public errorCode: number | undefined,
    message: string,
  ) {
    super(message);
  }
}
const invalidRequest = (message: string) => new PostmarkHttpError(422, 300, message);

/** The error body Postmark answers for a status (5xx bodies have no ErrorCode, as from the real API's front end). */
function scriptedError(entry: Exclude<ScriptedResponse, number>, recipients: string[]): PostmarkHttpError {
  const { status } = entry;
  if (status >= 500) return new PostmarkHttpError(status, entry.errorCode, entry.message ?? (status === 503 ? "Service unavailable" : "Internal server error"));
  const [defaultCode, defaultMessage] = ERROR_MESSAGES[status] ?? [0, `Request failed with status ${status}`];
  const errorCode = entry.errorCode ?? defaultCode;
  const message =
    entry.message ??
    (errorCode === 406
      ? inactiveMessage(recipients.length ? recipients : ["unknown@example.com"])
      : errorCode === 300
        ? "Invalid email request"
        : defaultMessage);
  return new PostmarkHttpError(status, errorCode, message);
}

function validateEmail(body: unknown, inactive: Set<string>): { recipients: string[] } {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new PostmarkHttpError(422, 403, "Incompatible JSON: the request body must be a JSON object.");
  const b = body as Json;
  for (const key of ["From", "To", "Cc", "Bcc", "Subject", "TextBody", "HtmlBody", "Tag", "ReplyTo", "MessageStream"]) {
    if (b[key] !== undefined && b[key] !== null && typeof b[key] !== "string")
      throw new PostmarkHttpError(422, 403, `Incompatible JSON: '${key}' must be a string.`);
  }
  if (!b.From) throw invalidRequest("Invalid 'From' address: ''.");
  const from = parseAddressList(b.From);
  if (from.length !== 1 || !isEmail(from[0])) throw invalidRequest(`Invalid 'From' address: '${b.From}'.`);
  const recipients: string[] = [];
  for (const field of ["To", "Cc", "Bcc"]) {
    for (const address of parseAddressList(b[field] ?? "")) {
      if (!address.includes("@")) throw invalidRequest(`Error parsing '${field}': Illegal email address '${address}'. It must contain the '@' symbol.`);
      if (!isEmail(address)) throw invalidRequest(`Error parsing '${field}': Illegal email address '${address}'.`);
      recipients.push(address);
    }
  }
  if (recipients.length === 0) throw invalidRequest("Zero recipients specified");
  if (recipients.length > 50) throw invalidRequest("Maximum of 50 recipients allowed per email message");
  if (!b.Subject) throw invalidRequest("Invalid email request: a Subject is required.");
  if (!b.TextBody && !b.HtmlBody) throw invalidRequest("Provide either email TextBody or HtmlBody or both.");
  if (b.Tag && b.Tag.length > 1000) throw invalidRequest("Tag is too long: the maximum is 1000 characters.");
  if (b.MessageStream && !["outbound", "broadcast"].includes(b.MessageStream)) {
    throw new PostmarkHttpError(422, 1235, `The 'MessageStream' provided does not exist on this server: '${b.MessageStream}'.`);
  }
  if (b.Metadata !== undefined && b.Metadata !== null) {
    if (typeof b.Metadata !== "object" || Array.isArray(b.Metadata)) throw new PostmarkHttpError(422, 403, "Incompatible JSON: 'Metadata' must be an object.");
    if (Object.keys(b.Metadata).length > 10) throw invalidRequest("Metadata may have at most 10 fields.");
    for (const [key, value] of Object.entries(b.Metadata)) {
      if (typeof value !== "string") throw invalidRequest(`Metadata value for '${key}' must be a string.`);
      if (key.length > 20 || value.length > 80) throw invalidRequest(`Metadata field '${key}' is too long: keys may have 20 characters and values 80.`);
    }
  }
  const blocked = recipients.filter((r) => inactive.has(r.toLowerCase()));
  // Postmark only refuses when every recipient is inactive; otherwise it sends to the active ones.
  if (blocked.length === recipients.length) throw new PostmarkHttpError(422, 406, inactiveMessage(blocked));
  return { recipients };
}

export async function startFakePostmark(options: {
  serverToken: string;
  port?: number;
  webhookUrl?: string;
  webhookUser?: string;
  webhookPassword?: string;
}): Promise<FakePostmark> {
  let webhookUrl = options.webhookUrl;
  let queue: Array<Exclude<ScriptedResponse, number>> = [];
  let failing: { status: number; errorCode?: number } | null = null;
  let delay = 0;
  const waiting = new Map<NodeJS.Timeout, () => void>(); // delayed answers, released by stop()
  const sent: SentEmail[] = [];
  const calls: EmailCall[] = [];
  const searches: FakePostmark["searches"] = [];
  const webhooks: FakePostmark["webhooks"] = [];
  const inactive = new Set<string>();
  const itemFailures = new Map<string, ItemError & { times: number }>();

  /** Auth and content type, the checks Postmark makes before reading a send request's body. */
  function checkRequest(req: http.IncomingMessage) {
    const token = req.headers["x-postmark-server-token"];
    if (!token) {
      throw new PostmarkHttpError(
        401,
        10,
        "No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.",
      );
    }
    if (token !== options.serverToken) throw new PostmarkHttpError(401, 10, ERROR_MESSAGES[401][1]);
    if (!/^application\/json\b/i.test(req.headers["content-type"] ?? ""))
      throw new PostmarkHttpError(415, 409, "JSON required: set 'Content-Type: application/json'.");
  }

  function accept(message: Json) {
    const messageId = randomUUID();
    const now = new Date();
    sent.push({ messageId, at: now.getTime(), body: message });
    return { To: message.To, SubmittedAt: submittedAt(now), MessageID: messageId, ErrorCode: 0, Message: "OK" };
  }

  /**
   * POST /email/batch: a JSON array of up to 500 messages. Request-level problems (token, content type,
   * not an array, more than 500) answer like POST /email; otherwise HTTP 200 with one result per message
   * in request order, each validated on its own, so one bad message never stops the others.
   */
  function handleBatch(req: http.IncomingMessage, raw: string): { status: number; body: Json | Json[]; parsed: unknown } {
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      /* keep the raw text */
    }
    try {
      const scripted = queue.shift() ?? (failing ? { ...failing } : undefined);
      if (scripted && scripted.status !== 200) throw scriptedError(scripted, []);
      checkRequest(req);
      if (typeof parsed === "string") throw new PostmarkHttpError(422, 402, "Received invalid JSON input.");
      if (!Array.isArray(parsed)) throw new PostmarkHttpError(422, 403, "Incompatible JSON: the request body must be a JSON array of messages.");
      if (parsed.length > 500) throw new PostmarkHttpError(422, 410, "Too many batch messages: you may send up to 500 messages in a batch call.");
      const results = parsed.map((message: unknown) => {
        try {
          const { recipients } = validateEmail(message, inactive);
          for (const r of recipients) {
            const failure = itemFailures.get(r.toLowerCase());
            if (!failure) continue;
            if (--failure.times <= 0) itemFailures.delete(r.toLowerCase());
            return {
              ErrorCode: failure.errorCode,
              Message: failure.message ?? (failure.errorCode === 406 ? inactiveMessage([r]) : `Message refused (${failure.errorCode}).`),
            };
          }
          return accept(message as Json);
        } catch (e) {
          if (!(e instanceof PostmarkHttpError)) throw e;
          return { ErrorCode: e.errorCode ?? 0, Message: e.message };
        }
      });
      return { status: 200, parsed, body: results };
    } catch (e) {
      if (!(e instanceof PostmarkHttpError)) throw e;
      return { status: e.status, parsed, body: e.errorCode === undefined ? { Message: e.message } : { ErrorCode: e.errorCode, Message: e.message } };
    }
  }

  function handleEmail(req: http.IncomingMessage, raw: string): { status: number; body: Json; parsed: unknown } {
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      /* keep the raw text */
    }
    const looseRecipients = () => (typeof (parsed as Json)?.To === "string" ? parseAddressList((parsed as Json).To) : []);
    try {
      const scripted = queue.shift() ?? (failing ? { ...failing } : undefined);
      if (scripted && scripted.status !== 200) throw scriptedError(scripted, looseRecipients());
      checkRequest(req);
      if (typeof parsed === "string") throw new PostmarkHttpError(422, 402, "Received invalid JSON input.");
      validateEmail(parsed, inactive);
      return { status: 200, parsed, body: accept(parsed as Json) };
    } catch (e) {
      if (!(e instanceof PostmarkHttpError)) throw e;
      return { status: e.status, parsed, body: e.errorCode === undefined ? { Message: e.message } : { ErrorCode: e.errorCode, Message: e.message } };
    }
  }

  /**
   * The Messages API's outbound search (https://postmarkapp.com/developer/api/messages-api): count and
   * offset are required (count ≤ 500, count + offset ≤ 10,000); recipient, tag, subject and
   * metadata_<key> filter; messages come newest first as summaries (no bodies).
   */
  function searchOutbound(req: http.IncomingMessage): { status: number; body: Json } {
    const token = req.headers["x-postmark-server-token"];
    if (token !== options.serverToken) return { status: 401, body: { ErrorCode: 10, Message: ERROR_MESSAGES[401][1] } };
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    const count = Number(query.get("count"));
    const offset = Number(query.get("offset"));
    if (
      !query.has("count") ||
      !query.has("offset") ||
      !Number.isInteger(count) ||
      !Number.isInteger(offset) ||
      count < 1 ||
      count > 500 ||
      offset < 0 ||
      count + offset > 10_000
    ) {
      return {
        status: 422,
        body: { ErrorCode: 600, Message: "The 'count' and 'offset' parameters are required: count up to 500, count + offset up to 10,000." },
      };
    }
    const metadata = [...query.entries()].filter(([k]) => k.startsWith("metadata_")).map(([k, v]) => [k.slice("metadata_".length), v] as const);
    const recipient = query.get("recipient")?.toLowerCase();
    const matches = sent
      .filter((m) => metadata.every(([k, v]) => (m.body.Metadata ?? {})[k] === v))
      .filter((m) => !recipient || parseAddressList(m.body.To ?? "").some((a) => a.toLowerCase() === recipient))
      .filter((m) => !query.get("tag") || m.body.Tag === query.get("tag"))
      .filter((m) => !query.get("subject") || m.body.Subject === query.get("subject"))
      .slice()
      .reverse();
    const Messages = matches.slice(offset, offset + count).map((m) => ({
      Tag: m.body.Tag ?? "",
      MessageID: m.messageId,
      MessageStream: m.body.MessageStream ?? "outbound",
      To: parseAddressList(m.body.To ?? "").map((Email) => ({ Email, Name: null })),
      Cc: [],
      Bcc: [],
      Recipients: parseAddressList(m.body.To ?? ""),
      ReceivedAt: submittedAt(new Date(m.at)),
      From: m.body.From,
      Subject: m.body.Subject,
      Attachments: [],
      Status: "Sent",
      TrackOpens: false,
      TrackLinks: "None",
      Metadata: m.body.Metadata ?? {},
      Sandboxed: false,
    }));
    return { status: 200, body: { TotalCount: matches.length, Messages } };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const reply = (status: number, body: Json | Json[]) => {
      if (res.destroyed) return; // the client gave up (SDK timeout) while we were delaying
      res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
    };
    if (path === "/messages/outbound" && req.method === "GET") {
      const result = searchOutbound(req);
      searches.push({
        at: Date.now(),
        status: result.status,
        query: Object.fromEntries(new URL(req.url ?? "/", "http://localhost").searchParams),
        matched: result.body.TotalCount ?? 0,
      });
      return reply(result.status, result.body);
    }
    if ((path !== "/email" && path !== "/email/batch") || req.method !== "POST")
      return reply(404, { ErrorCode: 0, Message: `The fake Postmark does not implement ${req.method} ${path}.` });
    const at = Date.now();
    const result = path === "/email" ? handleEmail(req, raw) : handleBatch(req, raw);
    const results = Array.isArray(result.body) ? result.body : undefined;
    calls.push({
      at,
      path,
      status: result.status,
      errorCode: Array.isArray(result.body) ? 0 : (result.body.ErrorCode ?? 0),
      body: result.parsed,
      headers: req.headers,
      results,
    });
    if (delay > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => (waiting.delete(t), resolve()), delay);
        waiting.set(t, resolve);
      });
    }
    reply(result.status, result.body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(e?.stack ?? e));
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  /** What a message's events report about it; an unknown MessageID still produces an event (with placeholders). */
  function messageFacts(messageId: string) {
    const body = sent.find((s) => s.messageId === messageId)?.body;
    return {
      Recipient: body ? (parseAddressList(body.To ?? "")[0] ?? "") : "unknown@example.com",
      From: body ? parseAddressList(body.From)[0] : "sender@example.com",
      Subject: body?.Subject ?? "",
      Tag: body?.Tag ?? "",
      MessageStream: body?.MessageStream ?? "outbound",
      Metadata: (body?.Metadata ?? {}) as Json,
    };
  }
  const client = {
    Client: { Name: "Chrome 120.0.6099.109", Company: "Google", Family: "Chrome" },
    OS: { Name: "OS X 10.15 Catalina", Company: "Apple Computer, Inc.", Family: "OS X 10" },
    Platform: "Desktop",
    UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    Geo: {
      CountryISOCode: "US",
      Country: "United States",
      RegionISOCode: "NY",
      Region: "New York",
      City: "New York",
      Zip: "10001",
      Coords: "40.7506,-73.9972",
      IP: "203.0.113.7",
    },
  };
  const event = (payload: Json, opts: EventOptions = {}) => fake.postWebhook({ ...payload, ...opts.overrides }, opts);

  function bouncePayload(
    messageId: string,
    recordType: "Bounce" | "SpamComplaint",
    type: string,
    typeCode: number,
    name: string,
    description: string,
    isInactive: boolean,
    canActivate: boolean,
  ) {
    const m = messageFacts(messageId);
    return {
      RecordType: recordType,
      ID: randomInt(1_000_000_000, 9_999_999_999),
      Type: type,
      TypeCode: typeCode,
      Name: name,
      Tag: m.Tag,
      MessageID: messageId,
      Metadata: m.Metadata,
      ServerID: FAKE_SERVER_ID,
      MessageStream: m.MessageStream,
      Description: description,
      Details: recordType === "Bounce" ? `smtp;550 5.1.1 The email account that you tried to reach does not exist (${type})` : "Test spam complaint details",
      Email: m.Recipient,
      From: m.From,
      BouncedAt: postmarkTime(),
      DumpAvailable: true,
      Inactive: isInactive,
      CanActivate: canActivate,
      Subject: m.Subject,
      Content: recordType === "Bounce" ? "Return-Path: <>\r\nSubject: Undeliverable\r\n\r\n(full bounce dump)" : "(abuse report dump)",
    };
  }

  const fake: FakePostmark = {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    sent,
    calls,
    searches,
    webhooks,
    inactive,
    script(responses) {
      queue.push(...responses.map((r) => (typeof r === "number" ? { status: r } : r)));
    },
    failRecipient(address, error, times = Infinity) {
      itemFailures.set(address.toLowerCase(), { ...error, times });
    },
    setDelay(ms) {
      delay = ms;
    },
    failAll(status, errorCode) {
      failing = { status, errorCode };
    },
    reset() {
      queue = [];
      failing = null;
      delay = 0;
      sent.length = 0;
      calls.length = 0;
      searches.length = 0;
      webhooks.length = 0;
      inactive.clear();
      itemFailures.clear();
    },
    setWebhookUrl(url) {
      webhookUrl = url;
    },

    deliver(messageId, opts) {
      const m = messageFacts(messageId);
      return event(
        {
          RecordType: "Delivery",
          ServerID: FAKE_SERVER_ID,
          MessageStream: m.MessageStream,
          MessageID: messageId,
          Recipient: m.Recipient,
          Tag: m.Tag,
          DeliveredAt: postmarkTime(),
          Details: "smtp;250 2.0.0 OK  1700000000 a1b2c3d4e5f6.1 - gsmtp",
          Metadata: m.Metadata,
        },
        opts,
      );
    },
    open(messageId, opts) {
      const m = messageFacts(messageId);
      return event(
        {
          RecordType: "Open",
          FirstOpen: true,
          ...client,
          ReadSeconds: 5,
          MessageID: messageId,
          MessageStream: m.MessageStream,
          ReceivedAt: postmarkTime(),
          Tag: m.Tag,
          Recipient: m.Recipient,
          Metadata: m.Metadata,
        },
        opts,
      );
    },
    click(messageId, url = "https://example.com/", opts) {
      const m = messageFacts(messageId);
      return event(
        {
          RecordType: "Click",
          ClickLocation: "HTML",
          ...client,
          OriginalLink: url,
          MessageID: messageId,
          MessageStream: m.MessageStream,
          ReceivedAt: postmarkTime(),
          Tag: m.Tag,
          Recipient: m.Recipient,
          Metadata: m.Metadata,
        },
        opts,
      );
    },
    bounce(messageId, type = "HardBounce", opts) {
      const [code, name, description, isInactive] = BOUNCE_TYPES[type];
      const payload = bouncePayload(messageId, "Bounce", type, code, name, description, isInactive, isInactive);
      if (isInactive) inactive.add(payload.Email.toLowerCase());
      return event(payload, opts);
    },
    spamComplaint(messageId, opts) {
      // TypeCode 512 as in Postmark's spam complaint webhook example (the bounce-types table lists SpamComplaint as 100001).
      const payload = bouncePayload(
        messageId,
        "SpamComplaint",
        "SpamComplaint",
        512,
        "Spam complaint",
        "The subscriber explicitly marked this email as spam.",
        true,
        false,
      );
      inactive.add(payload.Email.toLowerCase());
      return event(payload, opts);
    },

    async postWebhook(body, opts = {}) {
      if (!webhookUrl) throw new Error("fake Postmark has no webhook URL: pass webhookUrl or call setWebhookUrl() first");
      // Postmark turns credentials in the webhook URL into Basic auth; fetch refuses URLs that carry them.
      const target = new URL(webhookUrl);
      const user = options.webhookUser ?? decodeURIComponent(target.username);
      const password = options.webhookPassword ?? decodeURIComponent(target.password);
      target.username = target.password = "";
      const authorization = opts.auth === undefined ? (user || password ? basicAuth(user, password) : null) : opts.auth;
      const payload = typeof body === "string" ? body : JSON.stringify(body);
      const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8", "User-Agent": "Postmark" };
      if (authorization !== null) headers.Authorization = authorization;
      try {
        const res = await fetch(target, { method: "POST", headers, body: payload, redirect: "manual" });
        const result = { status: res.status, body: await res.text() };
        webhooks.push({ payload: body, ...result, authorization });
        return result;
      } catch (e) {
        webhooks.push({ payload: body, status: 0, body: String(e), authorization });
        throw e;
      }
    },

    stop() {
      for (const [t, release] of waiting) (clearTimeout(t), release());
      waiting.clear();
      // Node's fetch (the SDK's transport) keeps connections alive; close them or close() waits for their idle timeout.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
  return fake;
}
