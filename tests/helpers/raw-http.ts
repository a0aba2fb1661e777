// A request that returns the body as it came over the wire: fetch decodes Content-Encoding, and the tests and
// the bench that count compressed bytes need them as sent; the bench's webhook sender needs node:http's
// small CPU cost per request (fetch's took a third of a core from what it measured).
import http from "node:http";

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

export function rawRequest(url: string | URL, options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: Buffer; agent?: http.Agent } = {}) {
  return new Promise<RawResponse>((resolve, reject) => {
    const { body, ...request } = options;
    http
      .request(url, request, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject)
      .end(body);
  });
}

export function rawGet(url: string | URL, headers: Record<string, string> = {}) {
  return rawRequest(url, { headers });
}
