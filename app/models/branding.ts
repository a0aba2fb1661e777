// Branding (issue 14): a business's accent colour, checked and turned into the text colour that reads on
// it. Pure and browser-safe, so the settings form, the brand stylesheet, the emails and the PDF all use
// the same rules, and unit tests need no database.

/** Exactly #rrggbb: no shorthand, names or CSS functions, since the value is written into CSS, HTML and PDF. */
export const ACCENT_COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;
export const ACCENT_COLOR_MESSAGE = "Enter a colour as # and six hex digits, such as #1d4ed8 (or leave it empty)";

/** "#1D4ED8" or " #1d4ed8 " → "#1d4ed8"; null for anything that is not a six-digit hex colour. */
export function normalizeAccentColor(value: string | null | undefined): string | null {
  const trimmed = (value ?? "").trim();
  return ACCENT_COLOR_PATTERN.test(trimmed) ? trimmed.toLowerCase() : null;
}

/** The colour's channels, 0–255. */
function hexToRgb(hex: string): [number, number, number] {
  const valid = normalizeAccentColor(hex);
  if (!valid) throw new Error(`Not a #rrggbb colour: ${hex}`);
  return [1, 3, 5].map((i) => parseInt(valid.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG 2.x relative luminance (sRGB), 0 for black to 1 for white. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = hexToRgb(hex).map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

export const BLACK = "#000000";
export const WHITE = "#ffffff";

/**
 * The text colour for the accent as a background: black or white, whichever contrasts more. One of the
 * two always reaches at least 4.58:1 (the worst case is a mid grey), so text on the accent meets WCAG AA
 * for normal text whatever colour the contractor picks. Ties go to white.
 */
export function textOnAccent(accent: string): typeof BLACK | typeof WHITE {
  return contrastRatio(accent, BLACK) > contrastRatio(accent, WHITE) ? BLACK : WHITE;
}

/** Where the brand stylesheet for a colour lives: keyed by the colour alone, so it reveals nothing and caches for good. */
export function accentStylesheetPath(accent: string): string {
  const valid = normalizeAccentColor(accent);
  if (!valid) throw new Error(`Not a #rrggbb colour: ${accent}`);
  return `/brand/accent/${valid.slice(1)}.css`;
}

/** The customer-facing logo: public branding keyed by business id, versioned by the upload time so it caches for good. */
export function logoPath(businessId: string, logoUpdatedAt: Date | string): string {
  return `/brand/logo/${encodeURIComponent(businessId)}?v=${new Date(logoUpdatedAt).getTime()}`;
}

/**
 * The stylesheet for an accent. Only the customer pages link it, and only when an accent is set, so
 * without one they look exactly as before. The accent is used as a background only (the brand band and
 * the main buttons), always with the contrasting text colour: as text on white, a light accent would fail
 * WCAG contrast.
 */
export function accentStylesheet(accent: string): string {
  const bg = normalizeAccentColor(accent);
  if (!bg) throw new Error(`Not a #rrggbb colour: ${accent}`);
  const ink = textOnAccent(bg);
  return [
    `.brand-band{background:${bg};color:${ink};padding:.5rem .75rem;border-radius:8px}`,
    `.brand-band .brand,.brand-band a{color:${ink}}`,
    `.brand-accent button:not(.button-secondary),.brand-accent .button:not(.button-secondary){background:${bg};border-color:${bg};color:${ink}}`,
    `.brand-accent button:not(.button-secondary):hover,.brand-accent .button:not(.button-secondary):hover{background:${bg};text-decoration:underline}`,
    `.brand-accent .card{border-top:4px solid ${bg}}`,
    "",
  ].join("\n");
}
