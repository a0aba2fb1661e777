// Uploads in tests (logo, expenses, receipts, job photos): sample files with real bytes and a multipart
// body built by hand, so the test decides filenames and declared types.
import { randomBytes } from "node:crypto";
import type { Browser } from "./browser";

// A real 1×1 JPEG, PNG and WebP.
export const JPEG = Buffer.from(
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAACAAIDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAf/xAAZEAADAQEBAAAAAAAAAAAAAAABAgMAETH/xAAVAQEBAAAAAAAAAAAAAAAAAAAFB//EABsRAAEEAwAAAAAAAAAAAAAAAAABAgNxMjOx/9oADAMBAAIRAxEAPwCXUo9aNSrM9HJZmY9JJ9JOZmoEGptJwEkzWz//2Q==",
  "base64",
);
export const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
export const WEBP = Buffer.from("UklGRj4AAABXRUJQVlA4IDIAAADQAQCdASoCAAIAAUAmJYgCdAD0rBO8AAD++JsFND0n3e1wNlj8X+rvzt+p53YwmkjsAA==", "base64");
/** The start of an iPhone HEIC photo: an ISO-BMFF ftyp box with the heic brand. */
export const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypheic"), Buffer.from([0, 0, 0, 0]), Buffer.from("mif1heic"), randomBytes(64)]);
export const TEXT = Buffer.from("Receipt: 2x p-trap $12\nThank you for shopping!\n");

export type Part = { name: string; value: string } | { name: string; filename: string; contentType: string; data: Buffer };

export function multipart(parts: Part[]) {
  const boundary = `----invoicelink${randomBytes(8).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ("filename" in part) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.contentType}\r\n\r\n`,
        ),
        part.data,
        Buffer.from("\r\n"),
      );
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Posts a multipart form the way a browser does (Origin and Sec-Fetch-Site included). */
export function postMultipart(
  browser: Browser,
  path: string,
  fields: Record<string, string>,
  file?: { name?: string; filename: string; contentType: string; data: Buffer },
) {
  const parts: Part[] = Object.entries(fields).map(([name, value]) => ({ name, value }));
  // Browsers send an empty file part when no file was chosen.
  parts.push(
    file ? { name: file.name ?? "receipt", ...file } : { name: "receipt", filename: "", contentType: "application/octet-stream", data: Buffer.alloc(0) },
  );
  const { body, contentType } = multipart(parts);
  return browser.request(path, {
    method: "POST",
    body,
    headers: { "Content-Type": contentType, Origin: new URL(browser.baseUrl).origin, "Sec-Fetch-Site": "same-origin" },
  });
}
