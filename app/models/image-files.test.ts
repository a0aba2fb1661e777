// The shared image sniffing: types from bytes only, HEIC and PDF recognised for their own messages.
import { describe, expect, it } from "vitest";
import { isHeic, isPdf, sniffImageType } from "./image-files";

const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe("sniffImageType", () => {
  it("knows PNG, JPEG and WebP by their first bytes", () => {
    expect(sniffImageType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], "IHDR"))).toBe("image/png");
    expect(sniffImageType(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImageType(bytes("RIFF", [0, 0, 0, 0], "WEBPVP8 "))).toBe("image/webp");
  });
  it("refuses anything else, whatever it is called", () => {
    expect(sniffImageType(bytes("just some text.jpg"))).toBeNull();
    expect(sniffImageType(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImageType(bytes("GIF89a"))).toBeNull();
    expect(sniffImageType(new Uint8Array())).toBeNull();
  });
});

describe("isHeic and isPdf", () => {
  it("recognise an iPhone HEIC and a PDF", () => {
    expect(isHeic(bytes([0, 0, 0, 0x18], "ftypheic", [0, 0, 0, 0]))).toBe(true);
    expect(isHeic(bytes([0, 0, 0, 0x18], "ftypmp42"))).toBe(false);
    expect(isPdf(bytes("%PDF-1.7"))).toBe(true);
    expect(isPdf(bytes([0xff, 0xd8, 0xff]))).toBe(false);
  });
});
