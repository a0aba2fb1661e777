// Job photos on invoices and estimates (issue 14) over HTTP against the production server, the way a
// browser with JavaScript off uses them: uploads are checked by their bytes, resized to 1600 px and
// stored without EXIF; every refused file is a 400 with the field error and nothing stored; another
// business gets 404s; the customer sees the photos through the signed link only; the PDF carries them.
import { createHmac } from "node:crypto";
import { crc32, gzipSync } from "node:zlib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { convertEstimateToInvoice, createEstimate, decideEstimate, markEstimateSent } from "~/models/estimate.server";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import type { Browser } from "../helpers/browser";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { attributesAt, elementAt, elementsAt, pageText } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";
import { HEIC, postMultipart, TEXT } from "../helpers/uploads";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(async () => {
  await server?.stop();
  await prisma.$disconnect();
});

async function account() {
  const { user, business } = await createAccount({ businessName: "Photo Plumbing" });
  const customer = await makeCustomer(business.id, { name: "Robin Homeowner" });
  const invoice = await createInvoice(business.id, await documentInput({ customerId: customer.id }));
  await markInvoiceSent(business.id, invoice.id);
  const estimate = await createEstimate(business.id, await documentInput({ customerId: customer.id }, "USD", "estimate"));
  await markEstimateSent(business.id, estimate.id);
  return { browser: await signedInBrowser(server, user), businessId: business.id, invoiceId: invoice.id, estimateId: estimate.id };
}

const upload = (browser: Browser, path: string, data: Buffer, filename = "photo.jpg", contentType = "image/jpeg") =>
  postMultipart(browser, path, { intent: "upload" }, { name: "photo", filename, contentType, data });
const photoCount = (where: { invoiceId?: string; estimateId?: string }) => prisma.jobPhoto.count({ where });

/** A 3000×2000 JPEG that says "rotate 90°" and where it was taken (GPS in its EXIF). */
async function phoneJpeg() {
  return sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: "PhoneCo", Model: "Pocket 12" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "40/1 26/1 4600/100", GPSLongitudeRef: "W", GPSLongitude: "79/1 58/1 5600/100" },
    })
    .toBuffer();
}

/** A 70-byte PNG whose header declares 30000×30000 pixels: decoding it would take gigabytes. */
async function decompressionBomb() {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#fff" } })
    .png()
    .toBuffer();
  const bomb = Buffer.from(png);
  bomb.writeUInt32BE(30_000, 16);
  bomb.writeUInt32BE(30_000, 20);
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
  return bomb;
}

const signed = (kind: "pay" | "estimate", id: string, day = Math.floor(Date.now() / 86_400_000)) =>
  `t=${createHmac("sha256", server.payLinkSecret).update(`${kind}:${id}:${day}`).digest("base64url").slice(0, 24)}&d=${day}`;

describe("uploading job photos", () => {
  it("stores a phone JPEG upright, at most 1600 px, without EXIF or GPS, and shows it on the invoice page", async () => {
    const { browser, invoiceId } = await account();
    const original = await phoneJpeg();
    const before = await sharp(original).metadata();
    expect(before.exif?.includes(Buffer.from("GPS")) || before.exif !== undefined).toBe(true);

    const res = await upload(browser, `/invoices/${invoiceId}/photos`, original);
    expect(res.status, await res.clone().text()).toBe(302);
    expect(res.headers.get("Location")).toBe(`/invoices/${invoiceId}#photos`);

    const [row] = await prisma.jobPhoto.findMany({ where: { invoiceId } });
    const stored = await sharp(Buffer.from(row.bytes)).metadata();
    expect(stored.format).toBe("jpeg");
    expect(stored.exif).toBeUndefined();
    expect(stored.icc).toBeUndefined();
    expect(Buffer.from(row.bytes).includes(Buffer.from("Exif"))).toBe(false);
    expect(Buffer.from(row.bytes).includes(Buffer.from("PhoneCo"))).toBe(false);
    // Turned upright by the orientation tag (3000×2000 landscape rotated 90°), then shrunk.
    expect([stored.width, stored.height]).toEqual([1067, 1600]);
    expect([row.width, row.height]).toEqual([1067, 1600]);
    expect(row.byteSize).toBe(row.bytes.byteLength);

    const page = await (await browser.get(`/invoices/${invoiceId}`)).text();
    expect(page).toContain(`src="/invoices/${invoiceId}/photos/${row.id}?v=${row.createdAt.getTime()}"`);
    expect(pageText(page)).toContain("Photo added.");
    const image = await browser.get(`/invoices/${invoiceId}/photos/${row.id}?v=${row.createdAt.getTime()}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/jpeg");
    expect(image.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(Buffer.from(await image.arrayBuffer())).toEqual(Buffer.from(row.bytes));
  });

  it("takes PNG (transparent too) and WebP, never enlarging a small one, on invoices and estimates", async () => {
    const { browser, invoiceId, estimateId } = await account();
    const png = await sharp({ create: { width: 400, height: 300, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } })
      .png()
      .toBuffer();
    const webp = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: "#3a3" } })
      .webp()
      .toBuffer();
    expect((await upload(browser, `/invoices/${invoiceId}/photos`, png, "deck.png", "image/png")).status).toBe(302);
    expect((await upload(browser, `/estimates/${estimateId}/photos`, webp, "roof.webp", "image/webp")).status).toBe(302);
    const [p] = await prisma.jobPhoto.findMany({ where: { invoiceId } });
    const [w] = await prisma.jobPhoto.findMany({ where: { estimateId } });
    expect([p.width, p.height, p.mimeType]).toEqual([400, 300, "image/jpeg"]);
    expect([w.width, w.height, w.mimeType]).toEqual([1600, 800, "image/jpeg"]);
    expect((await sharp(Buffer.from(w.bytes)).metadata()).format).toBe("jpeg");
    expect(await (await browser.get(`/estimates/${estimateId}`)).text()).toContain(`/estimates/${estimateId}/photos/${w.id}`);
  });

  it("refuses HEIC, a text file named .jpg, an oversize file, a decompression bomb and an 11th photo with 400 and stores nothing", async () => {
    const { browser, businessId, invoiceId, estimateId } = await account();
    const oversize = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(10 * 1024 * 1024)]);
    const cases: [string, Buffer, string, RegExp][] = [
      ["HEIC", HEIC, "IMG_0001.heic", /HEIC photos are not accepted.*JPEG/],
      ["text named .jpg", TEXT, "photo.jpg", /not a JPEG, PNG or WebP photo/],
      ["PDF", Buffer.from("%PDF-1.7\n%…"), "quote.jpg", /PDFs are not accepted/],
      ["over 10 MB", oversize, "huge.jpg", /10 MB or smaller/],
      ["30000×30000 PNG bomb", await decompressionBomb(), "bomb.png", /too large to process/],
      ["a JPEG header with garbage", Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]), "broken.jpg", /could not be read/],
    ];
    for (const [label, data, filename, message] of cases) {
      const res = await upload(browser, `/invoices/${invoiceId}/photos`, data, filename);
      expect(res.status, label).toBe(400);
      const html = await res.text();
      expect(pageText(html), label).toMatch(message);
      expect(html, label).toContain('aria-invalid="true"');
    }
    // No file chosen at all.
    const none = await postMultipart(
      browser,
      `/invoices/${invoiceId}/photos`,
      { intent: "upload" },
      { name: "photo", filename: "", contentType: "application/octet-stream", data: Buffer.alloc(0) },
    );
    expect(none.status).toBe(400);
    expect(await photoCount({ invoiceId })).toBe(0);

    // Ten is the limit: the 11th is refused, whatever it is.
    const tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
      .jpeg()
      .toBuffer();
    for (let i = 0; i < 10; i++) {
      await prisma.jobPhoto.create({
        data: { businessId, estimateId, bytes: new Uint8Array(tiny), mimeType: "image/jpeg", byteSize: tiny.length, width: 8, height: 8 },
      });
    }
    const eleventh = await upload(browser, `/estimates/${estimateId}/photos`, tiny);
    expect(eleventh.status).toBe(400);
    expect(pageText(await eleventh.text())).toContain("at most 10 photos");
    expect(await photoCount({ estimateId })).toBe(10);
    // Ten at once on a fresh document: the lock on the document makes it exactly ten, never eleven.
    const results = await Promise.all(Array.from({ length: 12 }, () => upload(browser, `/invoices/${invoiceId}/photos`, tiny)));
    expect(results.filter((r) => r.status === 302)).toHaveLength(10);
    expect(results.filter((r) => r.status === 400)).toHaveLength(2);
    expect(await photoCount({ invoiceId })).toBe(10);
  });

  it("deletes a photo", async () => {
    const { browser, invoiceId } = await account();
    const jpeg = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#000" } })
      .jpeg()
      .toBuffer();
    await upload(browser, `/invoices/${invoiceId}/photos`, jpeg);
    const [row] = await prisma.jobPhoto.findMany({ where: { invoiceId } });
    const res = await browser.post(`/invoices/${invoiceId}/photos`, { intent: "delete", photoId: row.id });
    expect(res.status).toBe(302);
    expect(await photoCount({ invoiceId })).toBe(0);
    expect((await browser.get(`/invoices/${invoiceId}/photos/${row.id}`)).status).toBe(404);
  });
});

describe("an approved estimate becoming an invoice", () => {
  it("gives the invoice its own copies of the estimate's photos", async () => {
    const { browser, businessId, estimateId } = await account();
    const jpeg = await sharp({ create: { width: 30, height: 20, channels: 3, background: "#000" } })
      .jpeg()
      .toBuffer();
    await upload(browser, `/estimates/${estimateId}/photos`, jpeg);
    await upload(browser, `/estimates/${estimateId}/photos`, jpeg);
    await decideEstimate(estimateId, "approve", { name: "Robin Homeowner", ip: null, userAgent: null, chosenLineIds: [] });
    const { id: invoiceId } = await convertEstimateToInvoice(businessId, estimateId);
    const copies = await prisma.jobPhoto.findMany({ where: { invoiceId } });
    expect(copies).toHaveLength(2);
    expect(copies.every((c) => /^[a-z0-9]{33}$/.test(c.id) && c.businessId === businessId && c.width === 30)).toBe(true);
    expect(await photoCount({ estimateId })).toBe(2);
    const page = await (await browser.get(`/invoices/${invoiceId}`)).text();
    expect(page).toContain(`/invoices/${invoiceId}/photos/${copies[0].id}`);
    expect((await browser.get(`/invoices/${invoiceId}/photos/${copies[0].id}`)).status).toBe(200);
  });
});

describe("tenancy", () => {
  it("gives another business 404 for every photo route and stores nothing", async () => {
    const a = await account();
    const b = await account();
    const jpeg = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#000" } })
      .jpeg()
      .toBuffer();
    await upload(a.browser, `/invoices/${a.invoiceId}/photos`, jpeg);
    await upload(b.browser, `/invoices/${b.invoiceId}/photos`, jpeg);
    const [aPhoto] = await prisma.jobPhoto.findMany({ where: { invoiceId: a.invoiceId } });
    const [bPhoto] = await prisma.jobPhoto.findMany({ where: { invoiceId: b.invoiceId } });

    expect((await upload(b.browser, `/invoices/${a.invoiceId}/photos`, jpeg)).status).toBe(404);
    expect((await upload(b.browser, `/estimates/${a.estimateId}/photos`, jpeg)).status).toBe(404);
    // A refused file on another business's document is still a 404, not a 400 that confirms it exists.
    expect((await upload(b.browser, `/invoices/${a.invoiceId}/photos`, TEXT)).status).toBe(404);
    expect((await b.browser.get(`/invoices/${a.invoiceId}/photos`)).status).toBe(404);
    expect((await b.browser.get(`/invoices/${a.invoiceId}/photos/${aPhoto.id}`)).status).toBe(404);
    // Their own document's path with another business's photo id.
    expect((await b.browser.get(`/invoices/${b.invoiceId}/photos/${aPhoto.id}`)).status).toBe(404);
    expect((await b.browser.post(`/invoices/${a.invoiceId}/photos`, { intent: "delete", photoId: aPhoto.id })).status).toBe(404);
    expect((await b.browser.post(`/invoices/${b.invoiceId}/photos`, { intent: "delete", photoId: aPhoto.id })).status).toBe(404);
    expect(await photoCount({ invoiceId: a.invoiceId })).toBe(1);
    expect(await photoCount({ invoiceId: b.invoiceId })).toBe(1);
    expect(bPhoto).toBeTruthy();
  });
});

describe("the customer's view", () => {
  it("shows the photos as lazy, sized images on the pay and estimate pages, served through the signed link only", async () => {
    const { browser, invoiceId, estimateId } = await account();
    const jpeg = await sharp({ create: { width: 1800, height: 1200, channels: 3, background: "#a52" } })
      .jpeg()
      .toBuffer();
    await upload(browser, `/invoices/${invoiceId}/photos`, jpeg);
    await upload(browser, `/estimates/${estimateId}/photos`, jpeg);

    for (const [kind, id] of [
      ["pay", invoiceId],
      ["estimate", estimateId],
    ] as const) {
      const html = await (await fetch(`${server.url}/${kind}/${id}?${signed(kind, id)}`)).text();
      expect(html).not.toMatch(/<script\b/i);
      const img = elementAt(html, 'section[aria-labelledby="photos-heading"] img')!;
      expect(img.getAttribute("loading"), kind).toBe("lazy");
      expect(img.getAttribute("width"), kind).toBe("1600");
      expect(img.getAttribute("height"), kind).toBe("1067");
      const src = img.getAttribute("src")!;
      expect(src.startsWith(`/${kind}/${id}/photos/`)).toBe(true);
      const photo = await fetch(`${server.url}${src}`);
      expect(photo.status, kind).toBe(200);
      expect(photo.headers.get("content-type")).toBe("image/jpeg");

      // A bad or missing signature: the same 401 as the page.
      const bad = src.replace(/t=[^&]+/, "t=AAAAAAAAAAAAAAAAAAAAAAAA");
      expect((await fetch(`${server.url}${bad}`)).status, kind).toBe(401);
      expect((await fetch(`${server.url}${src.split("?")[0]}`)).status, kind).toBe(401);
      // Another document's signed link cannot reach this photo.
      const other = await account();
      const otherId = kind === "pay" ? other.invoiceId : other.estimateId;
      const photoId = src.split("?")[0].split("/").pop();
      expect((await fetch(`${server.url}/${kind}/${otherId}/photos/${photoId}?${signed(kind, otherId)}`)).status, kind).toBe(404);
    }
  });
});

describe("the customer's pages stay light", () => {
  it("with ten photos, the pay and estimate pages weigh at most 14 KB gzipped, HTML plus CSS", async () => {
    const { businessId, invoiceId, estimateId } = await account();
    const tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
      .jpeg()
      .toBuffer();
    for (let i = 0; i < 10; i++) {
      for (const doc of [{ invoiceId }, { estimateId }]) {
        await prisma.jobPhoto.create({
          data: { businessId, ...doc, bytes: new Uint8Array(tiny), mimeType: "image/jpeg", byteSize: tiny.length, width: 1600, height: 1200 },
        });
      }
    }
    for (const [kind, id] of [
      ["pay", invoiceId],
      ["estimate", estimateId],
    ] as const) {
      const html = await (await fetch(`${server.url}/${kind}/${id}?${signed(kind, id)}`)).text();
      expect(elementsAt(html, 'img[loading="lazy"]')).toHaveLength(10);
      const href = attributesAt(html, 'link[rel="stylesheet"]', "href")[0];
      const css = Buffer.from(await (await fetch(new URL(href, server.url))).arrayBuffer());
      const total = gzipSync(Buffer.from(html)).byteLength + gzipSync(css).byteLength;
      console.log(`[job-photos] ${kind} page with 10 photos: ${total} B gzipped (HTML + CSS)`);
      expect(total, kind).toBeLessThanOrEqual(14 * 1024);
    }
  });
});

describe("the PDF", () => {
  it("embeds the photos in the invoice and estimate PDFs", async () => {
    const { browser, invoiceId, estimateId } = await account();
    const plain = await browser.get(`/invoices/${invoiceId}/pdf`);
    expect(Buffer.from(await plain.arrayBuffer()).includes(Buffer.from("/Subtype /Image"))).toBe(false);
    const jpeg = await sharp({ create: { width: 1200, height: 900, channels: 3, background: "#2a5" } })
      .jpeg()
      .toBuffer();
    for (const path of [`/invoices/${invoiceId}`, `/estimates/${estimateId}`]) {
      await upload(browser, `${path}/photos`, jpeg);
      await upload(browser, `${path}/photos`, jpeg);
      await upload(browser, `${path}/photos`, jpeg);
      const res = await browser.get(`${path}/pdf`);
      expect(res.status).toBe(200);
      const pdf = Buffer.from(await res.arrayBuffer());
      const images = pdf.toString("latin1").match(/\/Subtype \/Image/g) ?? [];
      expect(images.length, path).toBe(3);
      expect(pdf.toString("latin1")).toContain("/Filter /DCTDecode");
    }
  });
});
