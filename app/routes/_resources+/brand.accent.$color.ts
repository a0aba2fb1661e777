// The brand stylesheet for one accent colour, linked from the customer pages (pay and estimate links) of
// a business that chose an accent. The CSP allows only 'self' stylesheets and no inline styles, so the
// colour arrives as a tiny stylesheet. It is keyed by the colour alone: it needs no database, says
// nothing about who uses it, and never changes, so browsers and shared caches keep it for good.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { accentStylesheet, normalizeAccentColor } from "~/models/branding";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ params }: LoaderFunctionArgs) => {
  const match = /^([0-9a-f]{6})\.css$/.exec(params.color ?? "");
  const accent = match ? normalizeAccentColor(`#${match[1]}`) : null;
  if (!accent) {
    throw new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  }
  return new Response(accentStylesheet(accent), {
    status: 200,
    headers: {
      "Content-Type": "text/css; charset=utf-8",
      "Cache-Control": "public, max-age=31536000, immutable",
    },
  });
});
