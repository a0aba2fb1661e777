import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { COMPRESSION_THRESHOLD_BYTES, compressText } from "./compress.server";

const page = `<!DOCTYPE html><html><body>${"<p>Invoice INV-0042 for 1,250.00</p>".repeat(200)}</body></html>`;

describe("compressText", () => {
  it("prefers brotli when the client takes both, as browsers send it", () => {
    const { body, encoding } = compressText("gzip, deflate, br", page);
    expect(encoding).toBe("br");
    expect(brotliDecompressSync(body as Uint8Array).toString()).toBe(page);
  });

  it("uses gzip when that is all the client takes, or brotli is refused", () => {
    for (const header of ["gzip", "br;q=0, gzip", "gzip;q=1, br;q=0.5"]) {
      const { body, encoding } = compressText(header, page);
      expect(encoding, header).toBe("gzip");
      expect(gunzipSync(body as Uint8Array).toString()).toBe(page);
    }
  });

  it("sends the text as it is without an encoding the client takes, and under the threshold", () => {
    for (const header of [null, "", "identity", "deflate"]) expect(compressText(header, page)).toEqual({ body: page, encoding: null });
    const small = "x".repeat(COMPRESSION_THRESHOLD_BYTES - 1);
    expect(compressText("gzip, br", small)).toEqual({ body: small, encoding: null });
  });
});
