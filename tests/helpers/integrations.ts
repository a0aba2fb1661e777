// Helpers for upload and form tests (logo, expenses, optional integrations): sample image files (real
// bytes), a multipart body built by hand (so the test decides filenames and declared types), and reading
// form values back out of a server-rendered page the way a browser without JavaScript would.
import { randomBytes } from "node:crypto";
import type { Browser } from "./http";
import { decodeHtml, visibleHtml } from "./invoicing";

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
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.contentType}\r\n\r\n`),
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
export function postMultipart(browser: Browser, path: string, fields: Record<string, string>, file?: { name?: string; filename: string; contentType: string; data: Buffer }) {
  const parts: Part[] = Object.entries(fields).map(([name, value]) => ({ name, value }));
  // Browsers send an empty file part when no file was chosen.
  parts.push(file ? { name: file.name ?? "receipt", ...file } : { name: "receipt", filename: "", contentType: "application/octet-stream", data: Buffer.alloc(0) });
  const { body, contentType } = multipart(parts);
  return browser.request(path, {
    method: "POST",
    body,
    headers: { "Content-Type": contentType, Origin: new URL(browser.baseUrl).origin, "Sec-Fetch-Site": "same-origin" },
  });
}

/** The value of the input (or textarea, or selected option) named `name` as the page renders it. */
export function fieldValue(html: string, name: string): string | null {
  const page = visibleHtml(html);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const input = new RegExp(`<input\\b[^>]*\\bname="${escaped}"[^>]*>`).exec(page)?.[0];
  if (input) {
    const value = /\bvalue="([^"]*)"/.exec(input);
    return value ? decodeHtml(value[1]) : "";
  }
  const textarea = new RegExp(`<textarea\\b[^>]*\\bname="${escaped}"[^>]*>([\\s\\S]*?)</textarea>`).exec(page);
  if (textarea) return decodeHtml(textarea[1]);
  const select = new RegExp(`<select\\b[^>]*\\bname="${escaped}"[^>]*>([\\s\\S]*?)</select>`).exec(page);
  if (select) {
    const selected = /<option\b[^>]*\bselected=""[^>]*value="([^"]*)"|<option\b[^>]*value="([^"]*)"[^>]*\bselected=""/.exec(select[1]);
    return selected ? decodeHtml(selected[1] ?? selected[2]) : "";
  }
  return null;
}

/** The line items of a rendered invoice/estimate editor. */
export function renderedLines(html: string) {
  const lines: { description: string | null; quantity: string | null; unitPrice: string | null }[] = [];
  for (let i = 0; fieldValue(html, `lines[${i}].description`) !== null; i++) {
    lines.push({
      description: fieldValue(html, `lines[${i}].description`),
      quantity: fieldValue(html, `lines[${i}].quantity`),
      unitPrice: fieldValue(html, `lines[${i}].unitPrice`),
    });
  }
  return lines;
}

/** Visible text of a page (tags dropped, entities decoded, whitespace collapsed), for message assertions. */
export function pageText(html: string) {
  return decodeHtml(visibleHtml(html).replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ");
}
