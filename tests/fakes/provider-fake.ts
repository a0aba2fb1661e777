// The plumbing shared by the fakes of the optional integrations (google.ts, rentcast.ts, ai.ts): a local
// node:http server that records every call, can answer slowly (setDelay) or fail in the provider's own
// error format (failNext / failAll), or send garbage (malformedNext). Tests only.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type FakeCall = {
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The raw request body (utf-8). */
  body: string;
  /** The status the fake answered (0 when the client gave up before the answer). */
  status: number;
};

export type FakeReply = { status: number; body: string | Buffer; contentType?: string; headers?: Record<string, string> };

export type ProviderFake = {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Every request, in order. */
  calls: FakeCall[];
  /** Wait this long before answering every request (0: answer at once). */
  setDelay(ms: number): void;
  /** The next requests answer these statuses (in the provider's error format), one each, before normal handling. */
  failNext(...statuses: number[]): void;
  /** Every request answers this status until reset() (null: stop). */
  failAll(status: number | null): void;
  /** The next n requests answer 200 with a body that is not what the API sends. */
  malformedNext(n?: number): void;
  /** Normal answering again, and empties `calls` in place. */
  reset(): void;
  stop(): Promise<void>;
};

type FakeRoute = (call: FakeCall) => FakeReply | Promise<FakeReply>;

export async function startProviderFake(options: {
  port?: number;
  route: FakeRoute;
  /** The provider's error body for a status. */
  errorBody: (status: number) => FakeReply;
  /** A 200 answer the client must refuse. */
  malformedBody?: () => FakeReply;
}): Promise<ProviderFake> {
  const calls: FakeCall[] = [];
  let delay = 0;
  let failing: number | null = null;
  let queue: number[] = [];
  let malformed = 0;
  const waiting = new Set<() => void>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const call: FakeCall = {
      at: Date.now(),
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      status: 0,
    };
    calls.push(call);
    let reply: FakeReply;
    try {
      const scripted = queue.shift() ?? failing;
      if (scripted) reply = options.errorBody(scripted);
      else if (malformed > 0) {
        malformed--;
        reply = options.malformedBody?.() ?? { status: 200, body: "<html><body>Service temporarily unavailable</body></html>", contentType: "text/html" };
      } else reply = await options.route(call);
    } catch (error) {
      reply = { status: 500, body: String((error as Error)?.stack ?? error), contentType: "text/plain" };
    }
    if (delay > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        function done() {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        }
        waiting.add(done);
      });
    }
    if (res.destroyed || req.socket.destroyed) return; // the client timed out and went away
    call.status = reply.status;
    res.writeHead(reply.status, { "Content-Type": reply.contentType ?? "application/json; charset=utf-8", ...reply.headers });
    res.end(reply.body);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    setDelay: (ms) => {
      delay = ms;
    },
    failNext: (...statuses) => {
      queue.push(...statuses);
    },
    failAll: (status) => {
      failing = status;
    },
    malformedNext: (n = 1) => {
      malformed += n;
    },
    reset: () => {
      delay = 0;
      failing = null;
      queue = [];
      malformed = 0;
      calls.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const release of [...waiting]) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): FakeReply => ({ status, body: JSON.stringify(body), headers });
