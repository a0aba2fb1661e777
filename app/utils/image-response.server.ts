// The one way an image stored in Postgres (a logo, a receipt, a job photo) goes out: its type was decided
// from its bytes at upload and nosniff keeps browsers from second-guessing it; a URL carrying the
// image's version (?v=<time>) never changes meaning, so it is cached for good, any other is revalidated.
export function imageResponse(request: Request, image: { bytes: Uint8Array; mimeType: string; version: Date }, visibility: "private" | "public" = "private") {
  const version = new URL(request.url).searchParams.get("v");
  const cacheControl = version === String(image.version.getTime()) ? `${visibility}, max-age=31536000, immutable` : `${visibility}, no-cache`;
  return new Response(image.bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      "Content-Type": image.mimeType,
      "Content-Length": String(image.bytes.byteLength),
      "X-Content-Type-Options": "nosniff",
      "Content-Disposition": "inline",
      "Cache-Control": cacheControl,
      "Last-Modified": image.version.toUTCString(),
    },
  });
}

/** The 404 for an image that is not there (or not yours): plain, never cached. */
export function noImage(message: string) {
  return new Response(message, {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store" },
  });
}
