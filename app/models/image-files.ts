// What an uploaded image is, decided by its first bytes and never by its name or the browser's
// Content-Type. One place for every upload that takes photos (the logo, expense receipts, job photos),
// with no server code so the forms and the unit tests can use it too.

export const IMAGE_MIME_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
type ImageMimeType = (typeof IMAGE_MIME_TYPES)[number];

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
const codes = (text: string) => [...text].map((c) => c.charCodeAt(0));
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/**
 * PNG (signature then an IHDR chunk), JPEG (SOI then a marker), WebP (a RIFF WEBP container holding a
 * VP8, VP8L or VP8X chunk). Anything else, SVG included, is null.
 */
export function sniffImageType(bytes: Uint8Array): ImageMimeType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && startsWith(bytes, codes("IHDR"), 12)) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (
    startsWith(bytes, codes("RIFF")) &&
    startsWith(bytes, codes("WEBP"), 8) &&
    (startsWith(bytes, codes("VP8 "), 12) || startsWith(bytes, codes("VP8L"), 12) || startsWith(bytes, codes("VP8X"), 12))
  ) {
    return "image/webp";
  }
  return null;
}

/** HEIF/HEIC (an ISO-BMFF "ftyp" box with a HEIF brand): what iPhones take unless the upload converts it. */
export function isHeic(bytes: Uint8Array) {
  return bytes.length >= 12 && ascii(bytes, 4, 8) === "ftyp" && /^(heic|heix|heim|heis|hevc|hevx|mif1|msf1|avif)$/.test(ascii(bytes, 8, 12));
}

/** A PDF (people upload scanned receipts and quotes where a photo is asked for). */
export function isPdf(bytes: Uint8Array) {
  return bytes.length >= 5 && ascii(bytes, 0, 5) === "%PDF-";
}

/** What a person is told about an iPhone photo that reached us as HEIC. */
export const HEIC_MESSAGE = "HEIC photos are not accepted: choose the photo again from your phone's browser (it converts it to JPEG) or export it as JPEG";
