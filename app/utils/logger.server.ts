// Structured logs with pino. Secrets never reach a log line: sensitive headers are redacted and
// query parameters that carry tokens or signatures are masked before the URL is logged.
import pino from "pino";
import { env } from "./env.server";

const SENSITIVE_QUERY_PARAMS = ["token", "t", "code", "password", "access_token", "refresh_token", "key"];

const REDACT_PATHS = [
  "req.headers.cookie",
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  'req.headers["stripe-signature"]',
  'req.headers["paypal-transmission-sig"]',
  'res.headers["set-cookie"]',
  "password",
  "*.password",
  "token",
  "*.token",
  "body",
  "*.body",
  "htmlBody",
  "*.htmlBody",
  "textBody",
  "*.textBody",
];

/** Masks token-like query parameters so a logged URL cannot be replayed. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) {
    if (SENSITIVE_QUERY_PARAMS.includes(key.toLowerCase())) params.set(key, "[Redacted]");
  }
  return `${url.slice(0, q)}?${params.toString()}`;
}

export const logger = pino({
  level: env().LOG_LEVEL,
  redact: { paths: REDACT_PATHS, censor: "[Redacted]" },
  base: { service: "invoice-link" },
});
