// Signed customer links: /pay/<invoiceId>?t=<sig>&d=<day> and /estimate/<estimateId>?t=…&d=….
// t = the first 24 characters of base64url(HMAC-SHA256(PAY_LINK_SECRET, "<kind>:<id>:<day>")), where
// day is the issue day as days since 1970-01-01 (UTC). Links work for 60 days. Rotating the secret
// invalidates every outstanding link without touching the database.
import { createHmac } from "node:crypto";
import { safeEqual } from "~/utils/crypto.server";
import { env } from "~/utils/env.server";

type LinkKind = "pay" | "estimate";
export const LINK_LIFETIME_DAYS = 60;
const SIGNATURE_LENGTH = 24;

export const dayNumber = (date = new Date()) => Math.floor(date.getTime() / 86_400_000);

export function signLink(kind: LinkKind, id: string, day: number, secret = env().PAY_LINK_SECRET) {
  return createHmac("sha256", secret).update(`${kind}:${id}:${day}`).digest("base64url").slice(0, SIGNATURE_LENGTH);
}

/** The path (with query) of a freshly signed link; `subpath` names a page below it (/pay/<id>/paypal). */
export function signedPath(kind: LinkKind, id: string, now = new Date(), subpath = "") {
  const day = dayNumber(now);
  return `/${kind}/${encodeURIComponent(id)}${subpath}?t=${signLink(kind, id, day)}&d=${day}`;
}

export function signedUrl(kind: LinkKind, id: string, now = new Date(), subpath = "") {
  return `${env().APP_URL}${signedPath(kind, id, now, subpath)}`;
}

const LINK_PROBLEM = {
  invalid: "This link is not valid. Ask the business that sent it for a new link.",
  expired: "This link has expired. Ask the business that sent it for a new link.",
};

/** The one answer to a bad, unknown, expired or severed link: the same 401 whatever the cause. */
export function linkProblem(reason: "invalid" | "expired") {
  return new Response(LINK_PROBLEM[reason], { status: 401, statusText: "Link not valid", headers: { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } });
}

export type LinkCheck = { ok: true; day: number } | { ok: false; reason: "invalid" | "expired" };

/** Checks t and d for an id; compares in constant time. Expired means valid signature but too old. */
export function verifyLink(kind: LinkKind, id: string, t: string | null, d: string | null, now = new Date()): LinkCheck {
  if (!t || !d || !/^[A-Za-z0-9_-]{24}$/.test(t) || !/^\d{1,7}$/.test(d) || id.length > 64) return { ok: false, reason: "invalid" };
  const day = Number(d);
  if (!safeEqual(signLink(kind, id, day), t)) return { ok: false, reason: "invalid" };
  const age = dayNumber(now) - day;
  if (age < 0) return { ok: false, reason: "invalid" };
  if (age >= LINK_LIFETIME_DAYS) return { ok: false, reason: "expired" };
  return { ok: true, day };
}
