// The contractor's photos page of an invoice or an estimate (/invoices/<id>/photos, /estimates/<id>/photos):
// the upload and delete forms on the document page post here. Success redirects back to the document's
// photos section with a flash; a refused photo re-renders this page with the field error (400) and
// nothing stored. The business comes from the session only: another business's document is a 404.
import { json } from "@remix-run/node";
import { DomainError } from "~/models/errors.server";
import { formatEstimateNumber, formatInvoiceNumber } from "~/models/document-numbers";
import { addJobPhoto, deleteJobPhoto, getJobPhoto, JOB_PHOTO_FIELD, JOB_PHOTO_MAX_BYTES, JOB_PHOTO_TOO_LARGE, listJobPhotos, type PhotoDocument, photoDocumentLabel } from "~/models/job-photo.server";
import { requireBusiness } from "~/web/auth.server";
import { imageResponse, noImage } from "./image-response.server";
import { FILE_TOO_LARGE, readFormWithFile } from "./multipart.server";
import { redirectWithFlash } from "./session.server";

const documentPath = (doc: PhotoDocument) => `/${doc.kind}s/${encodeURIComponent(doc.id)}`;

export async function photosPageLoader(request: Request, doc: PhotoDocument) {
  const { businessId } = await requireBusiness(request);
  const label = await photoDocumentLabel(businessId, doc);
  return json({
    kind: doc.kind,
    number: (doc.kind === "estimate" ? formatEstimateNumber : formatInvoiceNumber)(label.prefix, label.number),
    documentPath: documentPath(doc),
    photos: await listJobPhotos(businessId, doc),
  });
}

export async function photosPageAction(request: Request, doc: PhotoDocument) {
  const { businessId } = await requireBusiness(request);
  const formData = await readFormWithFile(request, JOB_PHOTO_FIELD, JOB_PHOTO_MAX_BYTES);
  const intent = formData.get("intent");
  const back = `${documentPath(doc)}#photos`;
  const refuse = async (error: string) => {
    // The 404 for another business's document wins over anything wrong with the file.
    await photoDocumentLabel(businessId, doc);
    return json({ error }, { status: 400 });
  };
  if (intent === "delete") {
    const photoId = formData.get("photoId");
    await deleteJobPhoto(businessId, doc, typeof photoId === "string" ? photoId : "");
    return redirectWithFlash(request, back, { kind: "success", message: "Photo deleted." });
  }
  if (intent !== "upload") return refuse("Choose a photo to upload");
  const file = formData.get(JOB_PHOTO_FIELD);
  if (file === FILE_TOO_LARGE) return refuse(JOB_PHOTO_TOO_LARGE);
  if (!(file instanceof File) || file.size === 0) return refuse("Choose a photo to upload");
  try {
    await addJobPhoto(businessId, doc, new Uint8Array(await file.arrayBuffer()));
  } catch (error) {
    if (error instanceof DomainError) return json({ error: error.message }, { status: 400 });
    throw error;
  }
  return redirectWithFlash(request, back, { kind: "success", message: "Photo added." });
}

/** One photo, for the business that owns the document only. */
export async function servePhoto(request: Request, doc: PhotoDocument, photoId: string) {
  const { businessId } = await requireBusiness(request);
  const photo = await getJobPhoto(businessId, doc, photoId);
  if (!photo) throw noImage("No such photo");
  return imageResponse(request, { bytes: photo.bytes, mimeType: photo.mimeType, version: photo.createdAt });
}
