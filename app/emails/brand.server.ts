// The business's branding around a customer email's body (issue 14): its logo (an absolute URL, fetched
// by the mail client) and its accent as a band behind its name, with the text colour chosen for contrast.
// Emails carry inline styles (mail clients ignore stylesheets); the page CSP does not apply to them.
// Without a logo or an accent the body goes out unchanged, as before.
import type { Brand } from "~/models/branding.server";
import { escapeHtml } from "~/utils/email.server";

export function brandedHtml(businessName: string, brand: Brand | null | undefined, body: string): string {
  if (!brand || (!brand.logo && !brand.accent)) return body;
  const name = escapeHtml(businessName);
  // Both values were checked (#rrggbb; an https URL built from our own origin), and are escaped anyway.
  const logo = brand.logo
    ? `<img src="${escapeHtml(brand.logo)}" alt="${name}" height="48" style="display:block;height:48px;width:auto;max-width:240px;border:0">`
    : "";
  const band =
    brand.accent && brand.accentInk
      ? `<div style="background:${escapeHtml(brand.accent)};color:${escapeHtml(brand.accentInk)};padding:10px 14px;border-radius:6px;font-weight:bold;font-size:16px">${name}</div>`
      : "";
  const rule = brand.accent ? `<div style="border-top:3px solid ${escapeHtml(brand.accent)};margin-top:16px;height:0;line-height:0">&nbsp;</div>` : "";
  return `<div data-brand="${escapeHtml(brand.accent ?? "")}">${logo ? `<div style="margin-bottom:10px">${logo}</div>` : ""}${band}
${body}
${rule}</div>`;
}
