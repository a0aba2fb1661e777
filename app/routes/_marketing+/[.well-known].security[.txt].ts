// /.well-known/security.txt (RFC 9116): where to report a vulnerability. Contact comes from
// SECURITY_CONTACT; Expires is always a year ahead, computed per request, so the file never goes stale.
import { env } from "~/utils/env.server";
import { contactHref } from "~/utils/security-contact";
import { mapDomainErrors } from "~/web/errors.server";

const YEAR_MS = 365 * 86_400_000;

function securityTxt(now = new Date()) {
  const { APP_URL, SECURITY_CONTACT } = env();
  // RFC 9116 wants a date-time "with no fractional seconds" in practice; keep it to whole seconds.
  const expires = new Date(now.getTime() + YEAR_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
  return [
    `Contact: ${contactHref(SECURITY_CONTACT)}`,
    `Expires: ${expires}`,
    "Preferred-Languages: en",
    `Canonical: ${APP_URL}/.well-known/security.txt`,
    `Policy: ${APP_URL}/security`,
    "",
  ].join("\n");
}

export const loader = /* @__PURE__ */ mapDomainErrors(async () => {
  return new Response(securityTxt(), {
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=3600" },
  });
});
