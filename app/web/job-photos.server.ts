// The contractor's photos page of an invoice or an estimate (/invoices/<id>/photos, /estimates/<id>/photos):
// the upload and delete forms on the document page post here. Success redirects back to the document's
// photos section with a flash; a refused photo re-renders this page with the field error (400) and
// nothing stored. The business comes from the session only: another business's document is a 404.
// Shared by invoices+ and estimates+. The forms are plain HTML (no script); their one schema is below, and a
// refusal answers the one reply shape `{ result }` with the message on the `photo` field.
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import { z } from "zod";
import { DomainError } from "~/models/errors.server";
import { formatEstimateNumber, formatInvoiceNumber } from "~/models/document-numbers";
import {
  addJobPhoto,
  deleteJobPhoto,
  getJobPhoto,
  JOB_PHOTO_FIELD,
  JOB_PHOTO_MAX_BYTES,
  JOB_PHOTO_TOO_LARGE,
  listJobPhotos,
  type PhotoDocument,
  photoDocumentLabel,
} from "~/models/job-photo.server";
import { requireBusiness } from "~/web/auth.server";
import { imageResponse, noImage } from "~/utils/image-response.server";
import { FILE_TOO_LARGE, readFormWithFile } from "~/utils/multipart.server";
import { redirectWithFlash } from "~/utils/session.server";
import { formReply } from "./forms.server";

const CHOOSE_PHOTO = "Choose a photo to upload";

/** The photos page's forms: "upload" (the file is checked by the handler: size, then type in the domain) or "delete". */
const JobPhotoFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("upload") }),
  z.object({ intent: z.literal("delete"), photoId: z.string().optional() }),
]);

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
  const file = formData.get(JOB_PHOTO_FIELD);
  // The file is not a value the page can show again; the schema sees the text fields.
  formData.delete(JOB_PHOTO_FIELD);
  const submission = parseWithZod(formData, { schema: JobPhotoFormSchema });
  const refuse = async (message: string, checkTenancy = true) => {
    // The 404 for another business's document wins over anything wrong with the file.
    if (checkTenancy) await photoDocumentLabel(businessId, doc);
    return formReply(submission.reply({ fieldErrors: { [JOB_PHOTO_FIELD]: [message] } }));
  };
  if (submission.status !== "success") return refuse(CHOOSE_PHOTO);
  const back = `${documentPath(doc)}#photos`;
  const value = submission.value;
  switch (value.intent) {
    case "delete":
      await deleteJobPhoto(businessId, doc, value.photoId ?? "");
      return redirectWithFlash(request, back, { kind: "success", message: "Photo deleted." });
    case "upload": {
      if (file === FILE_TOO_LARGE) return refuse(JOB_PHOTO_TOO_LARGE);
      if (!(file instanceof File) || file.size === 0) return refuse(CHOOSE_PHOTO);
      try {
        await addJobPhoto(businessId, doc, new Uint8Array(await file.arrayBuffer()));
      } catch (error) {
        if (error instanceof DomainError) return refuse(error.message, false);
        throw error;
      }
      return redirectWithFlash(request, back, { kind: "success", message: "Photo added." });
    }
  }
}

/** One photo, for the business that owns the document only. */
export async function servePhoto(request: Request, doc: PhotoDocument, photoId: string) {
  const { businessId } = await requireBusiness(request);
  const photo = await getJobPhoto(businessId, doc, photoId);
  if (!photo) throw noImage("No such photo");
  return imageResponse(request, { bytes: photo.bytes, mimeType: photo.mimeType, version: photo.createdAt });
}
