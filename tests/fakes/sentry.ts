// A test-only fake of Sentry's ingest endpoint: accepts envelopes at POST /api/<project>/envelope/ the way
// the SDK sends them (X-Sentry-Auth or ?sentry_key=, gzip or deflate bodies), stores each one raw (decoded)
// and parsed into items, and answers 200 with the event id like Sentry does. node:http only. Point an app at
// it with SENTRY_DSN=`${fake.dsn}` (http://<key>@127.0.0.1:<port>/<project>).
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, inflateSync, brotliDecompressSync } from "node:zlib";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

type EnvelopeItem = { header: Json; payload: string };
export type Envelope = {
  project: string;
  /** The decoded body exactly as sent (after gzip/deflate/br are undone). */
  raw: string;
  headers: http.IncomingHttpHeaders;
  header: Json;
  items: EnvelopeItem[];
};

export type FakeSentry = {
  url: string;
  port: number;
  /** http://<publicKey>@127.0.0.1:<port>/<project> */
  dsn: string;
  publicKey: string;
  project: string;
  envelopes: Envelope[];
  /** Requests refused (unknown path, wrong key, unreadable body), with the reason. */
  refused: Array<{ path: string; status: number; reason: string }>;
  /** The JSON of every `event` item received (errors and messages), in order. */
  events(): Json[];
  /** Resolves once `count` events have arrived (rejects after `timeoutMs`). */
  waitForEvents(count: number, timeoutMs?: number): Promise<Json[]>;
  reset(): void;
  stop(): Promise<void>;
};

/** Splits an envelope: a header line, then per item a header line and a payload (`length` bytes, or up to the next newline). */
function parseEnvelope(body: Buffer): { header: Json; items: EnvelopeItem[] } {
  let offset = 0;
  const readLine = () => {
    const end = body.indexOf(0x0a, offset);
    const line = body.subarray(offset, end === -1 ? body.length : end).toString("utf8");
    offset = end === -1 ? body.length : end + 1;
    return line;
  };
  const header = JSON.parse(readLine() || "{}") as Json;
  const items: EnvelopeItem[] = [];
  while (offset < body.length) {
    const line = readLine();
    if (!line.trim()) continue;
    const itemHeader = JSON.parse(line) as Json;
    let payload: string;
    if (typeof itemHeader.length === "number") {
      payload = body.subarray(offset, offset + itemHeader.length).toString("utf8");
      offset += itemHeader.length;
      if (body[offset] === 0x0a) offset += 1;
    } else payload = readLine();
    items.push({ header: itemHeader, payload });
  }
  return { header, items };
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? "").toLowerCase()) {
    case "":
    case "identity":
      return body;
    case "gzip":
    case "x-gzip":
      return gunzipSync(body);
    case "deflate":
      return inflateSync(body);
    case "br":
      return brotliDecompressSync(body);
    default:
      throw new Error(`unsupported content-encoding ${encoding}`);
  }
}

export async function startFakeSentry(options: { publicKey?: string; project?: string; port?: number } = {}): Promise<FakeSentry> {
  const publicKey = options.publicKey ?? randomBytes(16).toString("hex");
  const project = options.project ?? "1";
  const envelopes: Envelope[] = [];
  const refused: FakeSentry["refused"] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake-sentry");
      const refuse = (status: number, reason: string) => {
        refused.push({ path: url.pathname, status, reason });
        res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify({ detail: reason }));
      };
      const match = /^\/api\/([^/]+)\/envelope\/?$/.exec(url.pathname);
      if (req.method !== "POST" || !match) return refuse(404, "not an envelope endpoint");
      if (match[1] !== project) return refuse(404, `unknown project ${match[1]}`);
      const auth = req.headers["x-sentry-auth"];
      const key = (typeof auth === "string" ? /sentry_key=([^,\s]+)/.exec(auth)?.[1] : undefined) ?? url.searchParams.get("sentry_key");
      if (key !== publicKey) return refuse(401, "invalid sentry_key");
      let body: Buffer;
      let parsed: ReturnType<typeof parseEnvelope>;
      try {
        body = decode(Buffer.concat(chunks), req.headers["content-encoding"]);
        parsed = parseEnvelope(body);
      } catch (error) {
        return refuse(400, `unreadable envelope: ${(error as Error).message}`);
      }
      envelopes.push({ project: match[1], raw: body.toString("utf8"), headers: req.headers, ...parsed });
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ id: parsed.header.event_id ?? randomBytes(16).toString("hex") }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const events = () => envelopes.flatMap((e) => e.items.filter((i) => i.header.type === "event").map((i) => JSON.parse(i.payload) as Json));

  return {
    url,
    port,
    dsn: `http://${publicKey}@127.0.0.1:${port}/${project}`,
    publicKey,
    project,
    envelopes,
    refused,
    events,
    async waitForEvents(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (events().length < count) {
        if (Date.now() > deadline) throw new Error(`fake Sentry got ${events().length} of ${count} events in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return events();
    },
    reset() {
      envelopes.length = 0;
      refused.length = 0;
    },
    stop() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
