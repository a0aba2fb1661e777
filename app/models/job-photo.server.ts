// Job photos on invoices and estimates (issue 14): the before/after pictures a contractor shows the
// customer. Every upload is checked by its bytes, decoded by sharp under a pixel-count cap (a small file
// can declare a huge image: a decompression bomb), turned upright by its EXIF orientation, shrunk to at
// most 1600 px on the long side and re-encoded as JPEG without any metadata (no EXIF, so no GPS
// location of the customer's home). JPEG because pdfkit embeds it as is. At most ten per document,
// counted under a lock on the document row so two uploads at once cannot make eleven.
import type { Metadata } from "sharp";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { DomainError, notFound, PLAUSIBLE_ID, requirePlausibleId } from "./errors.server";
import { HEIC_MESSAGE, isHeic, isPdf, sniffImageType } from "./image-files";

const JOB_PHOTO_LIMIT = 10;
export const JOB_PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const JOB_PHOTO_TOO_LARGE = "Photos must be 10 MB or smaller";
/** Long side after resizing. */
const JOB_PHOTO_MAX_EDGE = 1600;
/** 60 megapixels: every phone camera's full-size photo (50 MP sensors included) fits; a bomb does not. */
const JOB_PHOTO_MAX_PIXELS = 60_000_000;
export const JOB_PHOTO_FIELD = "photo";

// sharp (libvips, about 23 MB resident) is loaded on the first upload, not at start-up: most web
// processes never decode a photo. Decoded images are not kept between requests (memory), and one upload
// decodes on one thread so six contractors uploading at once do not take every core.
let sharpModule: Promise<typeof import("sharp")> | undefined;
function loadSharp() {
  sharpModule ??= import("sharp").then((module) => {
    module.default.cache(false);
    module.default.concurrency(1);
    return module;
  });
  return sharpModule.then((module) => module.default);
}

export type PhotoDocument = { kind: "invoice" | "estimate"; id: string };
type Tx = Prisma.TransactionClient;

const reject = (message: string): never => {
  throw new DomainError(message, JOB_PHOTO_FIELD);
};
const docWhere = (doc: PhotoDocument) => (doc.kind === "invoice" ? { invoiceId: doc.id } : { estimateId: doc.id });
const docName = (doc: PhotoDocument) => (doc.kind === "invoice" ? "Invoice" : "Estimate");

type ProcessedPhoto = { bytes: Uint8Array<ArrayBuffer>; width: number; height: number };

/** The upload as it is stored, or a DomainError on the photo field saying what is wrong with it. */
async function processJobPhoto(bytes: Uint8Array): Promise<ProcessedPhoto> {
  if (bytes.length === 0) reject("Choose a photo to upload");
  if (bytes.length > JOB_PHOTO_MAX_BYTES) reject(JOB_PHOTO_TOO_LARGE);
  if (!sniffImageType(bytes)) {
    if (isHeic(bytes)) reject(HEIC_MESSAGE);
    if (isPdf(bytes)) reject("PDFs are not accepted: upload a photo (JPEG, PNG or WebP)");
    reject("That file is not a JPEG, PNG or WebP photo");
  }
  const unreadable = "That photo could not be read: it may be damaged. Choose it again or take a new one.";
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    // Only the header is read here: the declared size is checked before anything is decoded.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return reject(unreadable);
  }
  if (meta.format !== "jpeg" && meta.format !== "png" && meta.format !== "webp") reject("That file is not a JPEG, PNG or WebP photo");
  if (!meta.width || !meta.height) reject(unreadable);
  if (meta.width * meta.height > JOB_PHOTO_MAX_PIXELS)
    reject(`That photo is too large to process (over ${JOB_PHOTO_MAX_PIXELS / 1_000_000} megapixels): choose a smaller one`);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: JOB_PHOTO_MAX_PIXELS, animated: false, failOn: "error" })
      .rotate() // by the EXIF orientation, before the metadata goes
      .resize({ width: JOB_PHOTO_MAX_EDGE, height: JOB_PHOTO_MAX_EDGE, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" }) // a transparent PNG on white, as it would print
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data), width: info.width, height: info.height };
  } catch {
    return reject(unreadable);
  }
}

/** Locks the document row of this business (404 for another business's or a missing one). */
async function lockDocument(tx: Tx, businessId: string, doc: PhotoDocument) {
  const rows =
    doc.kind === "invoice"
      ? await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Invoice" WHERE id = ${doc.id} AND "businessId" = ${businessId} FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Estimate" WHERE id = ${doc.id} AND "businessId" = ${businessId} FOR UPDATE`;
  if (!rows.length) notFound(`${docName(doc)} not found`);
}

/** The document's number parts, for the photos page heading; 404 for another business's. */
export async function photoDocumentLabel(businessId: string, doc: PhotoDocument) {
  requirePlausibleId(doc.id, docName(doc));
  const found =
    doc.kind === "invoice"
      ? await prisma.invoice.findFirst({ where: { id: doc.id, businessId }, select: { number: true, business: { select: { invoicePrefix: true } } } })
      : await prisma.estimate.findFirst({ where: { id: doc.id, businessId }, select: { number: true, business: { select: { estimatePrefix: true } } } });
  if (!found) return notFound(`${docName(doc)} not found`);
  const prefix = "invoicePrefix" in found.business ? found.business.invoicePrefix : found.business.estimatePrefix;
  return { prefix, number: found.number };
}

/** Adds a photo (checked and processed first, outside the transaction); nothing is stored on any error. */
export async function addJobPhoto(businessId: string, doc: PhotoDocument, upload: Uint8Array) {
  requirePlausibleId(doc.id, docName(doc));
  // 404 and the limit before the image work, so a wrong id or a full document costs nothing.
  await photoDocumentLabel(businessId, doc);
  const limitMessage = `${docName(doc)}s can have at most ${JOB_PHOTO_LIMIT} photos: delete one first`;
  if ((await prisma.jobPhoto.count({ where: { businessId, ...docWhere(doc) } })) >= JOB_PHOTO_LIMIT) reject(limitMessage);
  const photo = await processJobPhoto(upload);
  return prisma.$transaction(async (tx) => {
    await lockDocument(tx, businessId, doc);
    if ((await tx.jobPhoto.count({ where: { businessId, ...docWhere(doc) } })) >= JOB_PHOTO_LIMIT) reject(limitMessage);
    return tx.jobPhoto.create({
      data: {
        businessId,
        ...docWhere(doc),
        bytes: photo.bytes,
        mimeType: "image/jpeg",
        byteSize: photo.bytes.byteLength,
        width: photo.width,
        height: photo.height,
      },
      select: { id: true },
    });
  });
}

export async function deleteJobPhoto(businessId: string, doc: PhotoDocument, photoId: string) {
  requirePlausibleId(doc.id, docName(doc));
  requirePlausibleId(photoId, "Photo");
  const { count } = await prisma.jobPhoto.deleteMany({ where: { id: photoId, businessId, ...docWhere(doc) } });
  if (!count) notFound("Photo not found");
}

/** The columns a photo list shows (the pay page's fingerprint covers the same ones). */
export const photoListSelect = { id: true, width: true, height: true, createdAt: true } as const;
const order = [{ createdAt: "asc" as const }, { id: "asc" as const }];

/** The document's photos without their bytes, oldest first. */
export async function listJobPhotos(businessId: string, doc: PhotoDocument) {
  if (!PLAUSIBLE_ID.test(doc.id)) return [];
  const rows = await prisma.jobPhoto.findMany({ where: { businessId, ...docWhere(doc) }, select: photoListSelect, orderBy: order, take: JOB_PHOTO_LIMIT });
  return rows.map((p) => ({ id: p.id, width: p.width, height: p.height, version: p.createdAt.getTime() }));
}

/** One photo with its bytes, or null (another business's, another document's or a missing one). */
export async function getJobPhoto(businessId: string, doc: PhotoDocument, photoId: string) {
  if (!PLAUSIBLE_ID.test(doc.id) || !PLAUSIBLE_ID.test(photoId)) return null;
  return prisma.jobPhoto.findFirst({ where: { id: photoId, businessId, ...docWhere(doc) }, select: { bytes: true, mimeType: true, createdAt: true } });
}

/** The photos' bytes for the PDF, oldest first. */
export async function jobPhotosForPdf(businessId: string, doc: PhotoDocument) {
  return prisma.jobPhoto.findMany({
    where: { businessId, ...docWhere(doc) },
    select: { bytes: true, width: true, height: true },
    orderBy: order,
    take: JOB_PHOTO_LIMIT,
  });
}
