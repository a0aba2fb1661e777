// A GET that returns the body as it came over the wire: fetch decodes Content-Encoding, and the tests and
// the bench that count compressed bytes need them as sent.
import http from "node:http";

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

export function rawGet(url: string | URL, headers: Record<string, string> = {}) {
  return new Promise<RawResponse>((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}
