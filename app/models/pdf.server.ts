// Invoice and estimate PDFs, drawn on the server with pdfkit and the built-in Helvetica (no font files,
// no headless browser). Every field is drawn as text, so markup in a description or a note shows up
// literally. Tenancy comes from getInvoice/getEstimate: another business's id is a 404.
import { inflateSync } from "node:zlib";
import type PDFDocumentClass from "pdfkit";
import { statusLabel } from "~/models/labels";
import { prisma } from "~/utils/db.server";
import { currencyDigits, formatMoney, percentToInput, quantityToInput, toDecimalString } from "~/utils/money";
import { todayIn } from "~/utils/dates";
import { getEstimate } from "./estimate.server";
import { approvalView, lineCounts } from "./estimate-options";
import { normalizeAccentColor, textOnAccent } from "./branding";
import { notFound } from "./errors.server";
import { formatEstimateNumber, formatInvoiceNumber } from "./document-numbers";
import { balanceCents, amountDueNowCents, displayStatus, getInvoice } from "./invoice.server";
import { describePaymentMethod } from "./payments/receipt.server";
import { jobPhotosForPdf } from "./job-photo.server";

type PdfOptions = {
  /** Tests turn compression off to read the content streams; production keeps it on. */
  compress?: boolean;
};

type RenderedPdf = { buffer: Buffer; filename: string };

// US Letter, in points. The top margin leaves room for the running header on pages 2+, the bottom
// one for the page footer; both are drawn once every page exists (bufferPages).
const PAGE = { size: "LETTER" as const, margins: { top: 72, bottom: 60, left: 50, right: 50 } };
const FONT = "Helvetica";
const BOLD = "Helvetica-Bold";
const INK = "#111111";
const MUTED = "#555555";
const RULE = "#cccccc";
const MAX_DESCRIPTION = 2_000;
const MAX_NOTE = 10_000;

// Helvetica is a standard PDF font with WinAnsi (cp1252) encoding: Latin-1 plus these code points.
const WIN_ANSI_EXTRA = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022,
  0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

function encodable(codePoint: number) {
  return (codePoint >= 0x20 && codePoint <= 0x7e) || (codePoint >= 0xa0 && codePoint <= 0xff) || WIN_ANSI_EXTRA.has(codePoint);
}

/**
 * Text Helvetica can show: line breaks kept, other control characters dropped, and anything outside
 * WinAnsi (emoji, CJK) replaced with "?" rather than drawn as garbage glyphs.
 */
export function pdfText(value: string | null | undefined, max = 500): string {
  if (!value) return "";
  let out = "";
  for (const char of value.normalize("NFC").replace(/\r\n?/g, "\n").replace(/\t/g, "    ")) {
    const code = char.codePointAt(0)!;
    if (char === "\n" || encodable(code)) out += char;
    else if (code === 0x2212) out += "-";
    else if (code === 0x202f || code === 0x2009) out += " ";
    else if (code >= 0x20 && !(code >= 0x7f && code < 0xa0)) out += "?";
    if (out.length >= max) break;
  }
  return out;
}

/** formatMoney when Helvetica can draw its symbol (USD, EUR, GBP...), otherwise "1,234.00 INR". */
function pdfMoney(cents: number, currency: string) {
  const formatted = formatMoney(cents, currency);
  const safe = pdfText(formatted, 100);
  if (!safe.includes("?")) return safe;
  return `${toDecimalString(cents, currencyDigits(currency))} ${currency}`;
}

const dateFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
/** DATE columns arrive as UTC midnight; format them in UTC so the day never shifts. */
const pdfDate = (date: Date) => dateFormat.format(date);

type Address = {
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
};

function addressLines(a: Address) {
  const cityLine = [[a.city, a.region].filter(Boolean).join(", "), a.postalCode].filter(Boolean).join(" ");
  return [a.addressLine1, a.addressLine2, cityLine, a.country].filter((l): l is string => Boolean(l && l.trim()));
}

/** A filename that is safe in a Content-Disposition header on every platform: INV-0007.pdf. */
function pdfFilename(documentNumber: string, fallback: string) {
  const cleaned = documentNumber
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(0, 80);
  return `${cleaned || fallback}.pdf`;
}

type Business = Awaited<ReturnType<typeof loadBusiness>>;

async function loadBusiness(businessId: string) {
  const business = await prisma.business.findUnique({
    where: { id: businessId },
    select: {
      name: true,
      email: true,
      phone: true,
      website: true,
      addressLine1: true,
      addressLine2: true,
      city: true,
      region: true,
      postalCode: true,
      country: true,
      timeZone: true,
      invoicePrefix: true,
      estimatePrefix: true,
      logo: true,
      logoMimeType: true,
      accentColor: true,
    },
  });
  return business ?? notFound();
}

type Line = { description: string; quantityMilli: number; unitPriceCents: number; taxRate: number; amountCents: number };
type Customer = Address & { name: string; email: string | null; phone: string | null };

/** Everything the layout needs, the same shape for invoices and estimates. */
type PdfDocumentModel = {
  kind: "Invoice" | "Estimate" | "Receipt";
  number: string;
  status: string;
  dates: [string, string][];
  reference: string | null;
  customer: Customer;
  currency: string;
  taxMode: "PER_LINE" | "INVOICE";
  taxRate: number;
  lines: Line[];
  totals: { label: string; value: string; strong?: boolean; rule?: boolean }[];
  notes: string | null;
  terms: string | null;
  /** More titled text after the notes and terms (an estimate's optional items and approval). */
  sections?: [string, string][];
  /** Job photos, stored as JPEG (pdfkit embeds those as they are). */
  photos?: { bytes: Uint8Array }[];
};

/**
 * A receipt for a paid invoice (the customer downloads it from the pay link, issue 14): the invoice's lines
 * and totals, then every payment that counts, with its date and how it was paid.
 */
export async function renderReceiptPdfFile(businessId: string, id: string, options: PdfOptions = {}): Promise<RenderedPdf> {
  const [invoice, business] = await Promise.all([getInvoice(businessId, id), loadBusiness(businessId)]);
  if (invoice.status !== "PAID") notFound("No receipt: the invoice is not paid");
  const number = formatInvoiceNumber(business.invoicePrefix, invoice.number);
  const money = (cents: number) => pdfMoney(cents, invoice.currency);
  const totals: PdfDocumentModel["totals"] = [{ label: "Subtotal", value: money(invoice.subtotalCents) }];
  if (invoice.discountCents) totals.push({ label: "Discount", value: `-${money(invoice.discountCents)}` });
  totals.push({ label: invoice.taxMode === "INVOICE" ? `Tax (${percentToInput(invoice.taxRate)}%)` : "Tax", value: money(invoice.taxCents) });
  totals.push({ label: "Total", value: money(invoice.totalCents), strong: true, rule: true });
  totals.push({ label: "Paid", value: money(invoice.amountPaidCents), strong: true });
  const payments = invoice.payments
    .filter((p) => p.status === "SUCCEEDED")
    .map(
      (p) =>
        `${todayIn(business.timeZone, p.receivedAt)}  ${describePaymentMethod(p)}  ${money(p.amountCents - p.refundedCents)}${p.refundedCents ? ` (after a refund of ${money(p.refundedCents)})` : ""}`,
    );
  const model: PdfDocumentModel = {
    kind: "Receipt",
    number,
    status: "PAID",
    dates: [
      ["Invoice date", pdfDate(invoice.issueDate)],
      ["Paid on", invoice.paidAt ? todayIn(business.timeZone, invoice.paidAt) : ""],
    ],
    reference: `For invoice ${number}`,
    customer: invoice.customer,
    currency: invoice.currency,
    taxMode: invoice.taxMode,
    taxRate: invoice.taxRate,
    lines: invoice.lines,
    totals,
    notes: null,
    terms: null,
    sections: [["Payments received", payments.join("\n") || "None"]],
  };
  return { buffer: await drawPdf(business, model, options), filename: pdfFilename(`receipt-${number}`, `receipt-${invoice.number}`) };
}

export async function renderInvoicePdfFile(businessId: string, id: string, options: PdfOptions = {}): Promise<RenderedPdf> {
  const [invoice, business] = await Promise.all([getInvoice(businessId, id), loadBusiness(businessId)]);
  const number = formatInvoiceNumber(business.invoicePrefix, invoice.number);
  const money = (cents: number) => pdfMoney(cents, invoice.currency);
  const totals: PdfDocumentModel["totals"] = [{ label: "Subtotal", value: money(invoice.subtotalCents) }];
  if (invoice.discountCents) totals.push({ label: "Discount", value: `-${money(invoice.discountCents)}` });
  totals.push({ label: invoice.taxMode === "INVOICE" ? `Tax (${percentToInput(invoice.taxRate)}%)` : "Tax", value: money(invoice.taxCents) });
  totals.push({ label: "Total", value: money(invoice.totalCents), strong: true, rule: true });
  totals.push({ label: "Paid", value: money(invoice.amountPaidCents) });
  totals.push({ label: "Balance due", value: money(balanceCents(invoice)), strong: true });
  const dueNow = amountDueNowCents(invoice);
  if (invoice.depositCents && dueNow !== balanceCents(invoice)) totals.push({ label: "Deposit due now", value: money(dueNow) });
  if (invoice.overpaidCents) totals.push({ label: "Overpaid", value: money(invoice.overpaidCents) });
  const model: PdfDocumentModel = {
    kind: "Invoice",
    number,
    status: displayStatus(invoice, todayIn(business.timeZone)),
    dates: [
      ["Issue date", pdfDate(invoice.issueDate)],
      ["Due date", pdfDate(invoice.dueDate)],
    ],
    reference: invoice.estimate ? `From estimate ${formatEstimateNumber(business.estimatePrefix, invoice.estimate.number)}` : null,
    customer: invoice.customer,
    currency: invoice.currency,
    taxMode: invoice.taxMode,
    taxRate: invoice.taxRate,
    lines: invoice.lines,
    totals,
    notes: invoice.notes,
    terms: invoice.terms,
    photos: await jobPhotosForPdf(businessId, { kind: "invoice", id: invoice.id }),
  };
  return { buffer: await drawPdf(business, model, options), filename: pdfFilename(number, `invoice-${invoice.number}`) };
}

export async function renderEstimatePdfFile(businessId: string, id: string, options: PdfOptions = {}): Promise<RenderedPdf> {
  const [estimate, business] = await Promise.all([getEstimate(businessId, id), loadBusiness(businessId)]);
  const number = formatEstimateNumber(business.estimatePrefix, estimate.number);
  const money = (cents: number) => pdfMoney(cents, estimate.currency);
  const totals: PdfDocumentModel["totals"] = [{ label: "Subtotal", value: money(estimate.subtotalCents) }];
  if (estimate.discountCents) totals.push({ label: "Discount", value: `-${money(estimate.discountCents)}` });
  totals.push({ label: estimate.taxMode === "INVOICE" ? `Tax (${percentToInput(estimate.taxRate)}%)` : "Tax", value: money(estimate.taxCents) });
  totals.push({ label: "Total", value: money(estimate.totalCents), strong: true, rule: true });
  const dates: [string, string][] = [["Issue date", pdfDate(estimate.issueDate)]];
  if (estimate.validUntil) dates.push(["Valid until", pdfDate(estimate.validUntil)]);
  const model: PdfDocumentModel = {
    kind: "Estimate",
    number,
    status: estimate.status,
    dates,
    reference: estimate.invoice ? `Converted to invoice ${formatInvoiceNumber(business.invoicePrefix, estimate.invoice.number)}` : null,
    customer: estimate.customer,
    currency: estimate.currency,
    taxMode: estimate.taxMode,
    taxRate: estimate.taxRate,
    // The lines that count; optional extras the customer did not choose are listed after the notes.
    lines: estimate.lines.filter(lineCounts),
    totals,
    notes: estimate.notes,
    terms: estimate.terms,
    sections: estimateSections(estimate, business.timeZone),
    photos: await jobPhotosForPdf(businessId, { kind: "estimate", id: estimate.id }),
  };
  return { buffer: await drawPdf(business, model, options), filename: pdfFilename(number, `estimate-${estimate.number}`) };
}

/** An estimate's extra PDF sections: optional items not chosen, and the customer's approval record. */
function estimateSections(estimate: Awaited<ReturnType<typeof getEstimate>>, timeZone: string): [string, string][] {
  const sections: [string, string][] = [];
  const unchosen = estimate.lines.filter((l) => !lineCounts(l));
  if (unchosen.length) {
    const list = unchosen.map(
      (l) =>
        `${l.description} (${quantityToInput(l.quantityMilli)} x ${pdfMoney(l.unitPriceCents, estimate.currency)}): ${pdfMoney(l.amountCents, estimate.currency)}`,
    );
    sections.push([estimate.status === "APPROVED" ? "Optional items not chosen" : "Optional items (not in the total)", list.join("\n")]);
  }
  const approval = approvalView(estimate, timeZone);
  if (approval) {
    const source = [approval.ip ? `IP ${approval.ip}` : null, approval.userAgent].filter(Boolean).join(", ");
    sections.push(["Approval", `Approved${approval.name ? ` by ${approval.name}` : ""} on ${approval.at}.${source ? `\n${source}` : ""}`]);
  }
  return sections;
}

type PngJs = {
  width: number;
  height: number;
  interlaceMethod: number;
  pixelBitlength: number;
  hasAlphaChannel: boolean;
  transparency: { indexed?: unknown };
  imgData: ArrayLike<number>;
};
type PdfKitImage = { width: number; height: number; image?: PngJs };

// Adam7 passes: x0, y0, dx, dy.
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];
const MAX_DECODED_LOGO_PIXELS = 4_000_000;

/**
 * pdfkit decodes PNGs with an alpha channel, indexed transparency or interlacing itself, in a zlib
 * callback that *throws* on bad data: an uncaught exception that would take the server down. Upload
 * only checks the magic bytes, so such a PNG is decoded here first, synchronously and bounded, and
 * anything pdfkit's decoder would choke on is left out.
 */
function pngIsSafeForPdfkit(png: PngJs): boolean {
  const decodes = png.hasAlphaChannel || Boolean(png.transparency?.indexed) || png.interlaceMethod === 1;
  if (!decodes) return true; // passed through to the PDF as is; a viewer copes with bad data
  if (png.pixelBitlength % 8 !== 0) return false; // pdfkit cannot unpack sub-byte pixels
  if (png.width * png.height > MAX_DECODED_LOGO_PIXELS) return false;
  const pixelBytes = png.pixelBitlength / 8;
  const scanlines: number[] = [];
  for (const [x0, y0, dx, dy] of png.interlaceMethod === 1 ? ADAM7 : [[0, 0, 1, 1]]) {
    const w = Math.ceil((png.width - x0) / dx);
    const h = Math.ceil((png.height - y0) / dy);
    if (w > 0 && h > 0) for (let row = 0; row < h; row++) scanlines.push(1 + w * pixelBytes);
  }
  const expected = scanlines.reduce((sum, n) => sum + n, 0);
  let data: Buffer;
  try {
    data = inflateSync(Uint8Array.from(png.imgData), { maxOutputLength: expected + 1024 });
  } catch {
    return false;
  }
  if (data.length < expected) return false;
  let pos = 0;
  for (const length of scanlines) {
    if (data[pos] > 4) return false; // filter type 0-4 only
    pos += length;
  }
  return true;
}

/** PNG and JPEG only (what pdfkit embeds); a WebP or unreadable logo is left out rather than failing the PDF. */
function openLogo(doc: PDFKit.PDFDocument, business: Business): PdfKitImage | null {
  if (!business.logo || (business.logoMimeType !== "image/png" && business.logoMimeType !== "image/jpeg")) return null;
  try {
    const opener = doc as unknown as { openImage(src: Buffer): PdfKitImage };
    const image = opener.openImage(Buffer.from(business.logo));
    if (!(image.width > 0 && image.height > 0)) return null;
    if (business.logoMimeType === "image/png" && (!image.image || !pngIsSafeForPdfkit(image.image))) return null;
    return image;
  } catch {
    return null;
  }
}

// pdfkit (its fonts and tables, about 28 MB resident) is loaded with the first PDF, not at start-up.
let pdfkit: Promise<typeof PDFDocumentClass> | undefined;

async function drawPdf(business: Business, model: PdfDocumentModel, options: PdfOptions): Promise<Buffer> {
  const PDFDocument = await (pdfkit ??= import("pdfkit").then((module) => module.default));
  const doc = new PDFDocument({
    size: PAGE.size,
    margins: PAGE.margins,
    bufferPages: true,
    compress: options.compress ?? true,
    info: {
      Title: pdfText(`${model.kind} ${model.number}`, 200),
      Author: pdfText(business.name, 200),
      Subject: pdfText(`${model.kind} ${model.number} for ${model.customer.name}`, 300),
      Creator: "Invoice Link",
      Producer: "Invoice Link",
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  try {
    layout(doc, business, model);
    doc.end();
  } catch (error) {
    doc.end();
    return Promise.reject(error);
  }
  return done;
}

function layout(doc: PDFKit.PDFDocument, business: Business, model: PdfDocumentModel) {
  const left = PAGE.margins.left;
  const width = doc.page.width - PAGE.margins.left - PAGE.margins.right;
  const right = left + width;
  const bottom = () => doc.page.height - PAGE.margins.bottom;
  doc.fillColor(INK);

  // Business block (left) and document block (right), starting a little above the body margin.
  const top = 40;
  let leftY = top;
  const logo = openLogo(doc, business);
  if (logo) {
    const scale = Math.min(150 / logo.width, 60 / logo.height, 1);
    const w = logo.width * scale;
    const h = logo.height * scale;
    doc.image(logo as unknown as Buffer, left, leftY, { width: w, height: h });
    leftY += h + 8;
  }
  const leftWidth = width * 0.55;
  doc.font(BOLD).fontSize(15).text(pdfText(business.name, 200), left, leftY, { width: leftWidth });
  doc.font(FONT).fontSize(9).fillColor(MUTED);
  const contact = [...addressLines(business), business.email, business.phone, business.website].filter((l): l is string => Boolean(l));
  for (const line of contact) doc.text(pdfText(line, 200), left, doc.y, { width: leftWidth });
  leftY = doc.y;

  const boxX = left + width * 0.6;
  const boxWidth = right - boxX;
  doc.fillColor(INK).font(BOLD).fontSize(20).text(model.kind.toUpperCase(), boxX, top, { width: boxWidth, align: "right" });
  doc.fontSize(11).text(pdfText(model.number, 100), boxX, doc.y, { width: boxWidth, align: "right" });
  doc.moveDown(0.4);
  const rows: [string, string][] = [["Status", statusLabel(model.status)], ...model.dates];
  for (const [label, value] of rows) {
    const y = doc.y;
    doc
      .font(FONT)
      .fontSize(9)
      .fillColor(MUTED)
      .text(label, boxX, y, { width: boxWidth / 2, lineBreak: false });
    const alert = label === "Status" && (model.status === "VOID" || model.status === "OVERDUE");
    doc
      .font(label === "Status" ? BOLD : FONT)
      .fillColor(alert ? "#b91c1c" : INK)
      .text(value, boxX + boxWidth / 2, y, { width: boxWidth / 2, align: "right" });
  }
  if (model.reference)
    doc
      .font(FONT)
      .fontSize(8)
      .fillColor(MUTED)
      .text(pdfText(model.reference, 200), boxX, doc.y + 2, { width: boxWidth, align: "right" });
  let y = Math.max(leftY, doc.y) + 18;

  // Bill to.
  const billLabel = model.kind === "Invoice" ? "BILL TO" : model.kind === "Receipt" ? "RECEIVED FROM" : "PREPARED FOR";
  doc.font(BOLD).fontSize(8).fillColor(MUTED).text(billLabel, left, y, { width: leftWidth, characterSpacing: 0.5 });
  doc
    .font(BOLD)
    .fontSize(11)
    .fillColor(INK)
    .text(pdfText(model.customer.name, 200), left, doc.y + 2, { width: leftWidth });
  doc.font(FONT).fontSize(9);
  const customerLines = [...addressLines(model.customer), model.customer.email, model.customer.phone].filter((l): l is string => Boolean(l));
  for (const line of customerLines) doc.text(pdfText(line, 200), left, doc.y, { width: leftWidth });
  y = doc.y + 18;

  // Line items. Columns right of the description are fixed; the description takes the rest and wraps.
  const perLine = model.taxMode === "PER_LINE";
  const pad = 4;
  const cols = [
    { key: "description", title: "Description", width: 0, align: "left" as const },
    { key: "quantity", title: "Qty", width: 50, align: "right" as const },
    { key: "unitPrice", title: "Unit price", width: 85, align: "right" as const },
    ...(perLine ? [{ key: "tax", title: "Tax %", width: 45, align: "right" as const }] : []),
    { key: "amount", title: "Amount", width: 90, align: "right" as const },
  ];
  cols[0].width = width - cols.slice(1).reduce((sum, c) => sum + c.width, 0);
  const colX: number[] = [];
  cols.reduce((x, c, i) => ((colX[i] = x), x + c.width), left);

  // Branding (issue 14): the accent fills the column header, under black or white text by contrast.
  const accent = normalizeAccentColor(business.accentColor);
  const drawTableHeader = () => {
    doc.rect(left, y, width, 18).fill(accent ?? "#eeeeee");
    doc
      .font(BOLD)
      .fontSize(8.5)
      .fillColor(accent ? textOnAccent(accent) : INK);
    cols.forEach((c, i) => doc.text(c.title, colX[i] + pad, y + 5, { width: c.width - pad * 2, align: c.align, lineBreak: false }));
    y += 18;
  };
  const newPage = () => {
    doc.addPage();
    y = PAGE.margins.top;
  };

  drawTableHeader();
  doc.font(FONT).fontSize(9);
  if (model.lines.length === 0) {
    doc.fillColor(MUTED).text("No line items.", left + pad, y + pad, { width: width - pad * 2 });
    y = doc.y + pad;
  }
  for (const line of model.lines) {
    const cells = [
      pdfText(line.description, MAX_DESCRIPTION),
      quantityToInput(line.quantityMilli),
      pdfMoney(line.unitPriceCents, model.currency),
      ...(perLine ? [percentToInput(line.taxRate)] : []),
      pdfMoney(line.amountCents, model.currency),
    ];
    doc.font(FONT).fontSize(9);
    const height = Math.max(...cells.map((text, i) => doc.heightOfString(text || " ", { width: cols[i].width - pad * 2 }))) + pad * 2;
    // A row never splits across pages: move it whole to the next page and repeat the column header there.
    if (y + height > bottom()) {
      newPage();
      drawTableHeader();
      doc.font(FONT).fontSize(9);
    }
    doc.fillColor(INK);
    cells.forEach((text, i) => doc.text(text, colX[i] + pad, y + pad, { width: cols[i].width - pad * 2, align: cols[i].align }));
    y += height;
    doc.moveTo(left, y).lineTo(right, y).lineWidth(0.5).strokeColor(RULE).stroke();
  }

  // Totals, kept together on one page.
  y += 10;
  const totalsHeight = model.totals.length * 16 + 6;
  if (y + totalsHeight > bottom()) newPage();
  const labelX = left + width * 0.5;
  const labelWidth = width * 0.3;
  const valueX = labelX + labelWidth;
  const valueWidth = right - valueX;
  for (const row of model.totals) {
    if (row.rule) {
      doc
        .moveTo(labelX, y)
        .lineTo(right, y)
        .lineWidth(accent ? 1.5 : 0.75)
        .strokeColor(accent ?? INK)
        .stroke();
      y += 4;
    }
    doc
      .font(row.strong ? BOLD : FONT)
      .fontSize(row.strong ? 10.5 : 9.5)
      .fillColor(row.strong ? INK : MUTED);
    doc.text(row.label, labelX, y, { width: labelWidth - pad, align: "right", lineBreak: false });
    doc.fillColor(INK).text(row.value, valueX, y, { width: valueWidth - pad, align: "right", lineBreak: false });
    y += 16;
  }
  y += 14;

  // Notes and terms flow across pages on their own; a heading never sits alone at a page's foot.
  for (const [title, body] of [["Notes", model.notes], ["Terms", model.terms], ...(model.sections ?? [])] as const) {
    const text = pdfText(body, MAX_NOTE).trim();
    if (!text) continue;
    if (y + 40 > bottom()) newPage();
    doc.font(BOLD).fontSize(10).fillColor(INK).text(title, left, y, { width });
    doc
      .font(FONT)
      .fontSize(9)
      .fillColor(INK)
      .text(text, left, doc.y + 2, { width });
    y = doc.y + 14;
  }

  y = drawPhotos(doc, model.photos ?? [], { left, width, y, bottom: bottom(), newPage: () => (newPage(), y) });

  // Running header (pages 2+) and footer (every page), drawn once the page count is known.
  const range = doc.bufferedPageRange();
  const businessName = pdfText(business.name, 120);
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const savedBottom = doc.page.margins.bottom;
    // Writing inside the bottom margin would otherwise make pdfkit start yet another page.
    doc.page.margins.bottom = 0;
    if (i > range.start) {
      doc
        .font(BOLD)
        .fontSize(9)
        .fillColor(INK)
        .text(businessName, left, 34, { width: width * 0.6 - 10, height: 11, ellipsis: true });
      doc
        .font(FONT)
        .fontSize(9)
        .fillColor(MUTED)
        .text(pdfText(`${model.kind} ${model.number} (continued)`, 120), left + width * 0.6, 34, {
          width: width * 0.4,
          align: "right",
          lineBreak: false,
        });
      doc.moveTo(left, 52).lineTo(right, 52).lineWidth(0.5).strokeColor(RULE).stroke();
    }
    const footerY = doc.page.height - 40;
    doc.font(FONT).fontSize(8).fillColor(MUTED);
    doc.text(pdfText(`${model.kind} ${model.number}`, 120), left, footerY, { width: width / 2, lineBreak: false });
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, left + width / 2, footerY, { width: width / 2, align: "right", lineBreak: false });
    doc.page.margins.bottom = savedBottom;
  }
}

/**
 * Job photos after everything else, two to a row, each scaled to fit its cell (a row never splits across
 * pages). A photo pdfkit cannot open is left out rather than failing the PDF. Returns the new y.
 */
function drawPhotos(
  doc: PDFKit.PDFDocument,
  photos: { bytes: Uint8Array }[],
  at: { left: number; width: number; y: number; bottom: number; newPage: () => number },
) {
  const opener = doc as unknown as { openImage(src: Buffer): PdfKitImage };
  const images = photos.flatMap((p) => {
    try {
      const image = opener.openImage(Buffer.from(p.bytes));
      return image.width > 0 && image.height > 0 ? [image] : [];
    } catch {
      return [];
    }
  });
  if (!images.length) return at.y;
  const gap = 12;
  const cellWidth = (at.width - gap) / 2;
  const cellHeight = 200;
  let y = at.y;
  if (y + 20 + cellHeight > at.bottom) y = at.newPage();
  doc.font(BOLD).fontSize(10).fillColor(INK).text("Photos", at.left, y, { width: at.width });
  y = doc.y + 6;
  for (let i = 0; i < images.length; i += 2) {
    const row = images.slice(i, i + 2);
    const heights = row.map((img) => img.height * Math.min(cellWidth / img.width, cellHeight / img.height, 1));
    const rowHeight = Math.max(...heights);
    if (y + rowHeight > at.bottom) y = at.newPage();
    row.forEach((img, j) => {
      const scale = Math.min(cellWidth / img.width, cellHeight / img.height, 1);
      doc.image(img as unknown as Buffer, at.left + j * (cellWidth + gap), y, { width: img.width * scale, height: img.height * scale });
    });
    y += rowHeight + gap;
  }
  return y;
}

/** The download response: an attachment that no shared cache keeps (it holds customer data). */
export function pdfResponse({ buffer, filename }: RenderedPdf) {
  return new Response(new Uint8Array(buffer), {
    status: 200,
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(buffer.byteLength),
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
