// The production server's request log (server.ts writes one JSON line per request), read from its output.

export type RequestLogLine = { msg?: string; req?: { url?: string }; keptPage?: boolean };

/**
 * The first request log line written after `from` (an offset into the server's output) whose URL passes
 * `matches`, waiting up to 10 s for it. A page sent from the page cache says `keptPage`.
 */
export async function requestLogLine(server: { output(): string }, from: number, matches: (url: string) => boolean): Promise<RequestLogLine> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    for (const line of server.output().slice(from).split("\n")) {
      if (!line.startsWith("{")) continue;
      const entry = JSON.parse(line) as RequestLogLine;
      if (entry.req?.url !== undefined && matches(entry.req.url) && entry.msg?.startsWith("request")) return entry;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request log line for the URL asked for (output from ${from})`);
}
