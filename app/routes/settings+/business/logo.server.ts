// The business settings page's logo upload: reading the multipart body, checking the file, one reply shape
// for a refused file (an error on the `logo` field). The route (route.tsx) parses the form once and
// dispatches to it by intent.
import type { Submission } from "@conform-to/zod/v4";
import { parseWithZod } from "@conform-to/zod/v4";
import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { z } from "zod";
import { LOGO_MAX_BYTES, LOGO_TOO_LARGE, logoRejection, sniffLogoType } from "~/models/business-form";
import { setLogo } from "~/models/business.server";
import { redirectWithFlash } from "~/utils/session.server";
import { formReply } from "~/web/forms.server";

const PAGE = "/settings/business";

const LogoUploadSchema = z.object({ intent: z.literal("upload-logo") });

/**
 * A logo whose body could not be read at all (too large, truncated), as the page's one reply shape: an
 * error on the `logo` field of the upload form, as uploadLogo gives for a refused file.
 */
export function logoError(error: string) {
  const formData = new FormData();
  formData.set("intent", "upload-logo");
  return formReply(parseWithZod(formData, { schema: LogoUploadSchema }).reply({ fieldErrors: { logo: [error] } }));
}

/**
 * Reads the body: the profile form posts urlencoded, the logo form multipart. Multipart parts are held in
 * memory up to 1 MB each (server.ts already caps the whole body at 6 MB).
 */
export async function readForm(request: Request): Promise<{ formData: FormData } | { error: string }> {
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType)) {
    try {
      return { formData: await request.formData() };
    } catch {
      throw new Response("Bad Request: the form could not be read.", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
  }
  try {
    const uploadHandler = unstable_createMemoryUploadHandler({ maxPartSize: LOGO_MAX_BYTES });
    return { formData: await unstable_parseMultipartFormData(request, uploadHandler) };
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return { error: LOGO_TOO_LARGE };
    // A truncated or malformed body is the client's fault, not ours.
    return { error: "The upload could not be read; please choose the file and try again" };
  }
}

/** "Upload logo": the file checked by its bytes (PNG, JPEG or WebP, at most 1 MB), then stored. */
export async function uploadLogo(request: Request, submission: Submission<unknown>, businessId: string, file: unknown) {
  const refuse = (error: string) => formReply(submission.reply({ fieldErrors: { logo: [error] }, hideFields: ["logo"] }));
  if (!(file instanceof File) || file.size === 0) return refuse("Choose an image file to upload");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const rejection = logoRejection(bytes);
  const mime = sniffLogoType(bytes);
  if (rejection || !mime) return refuse(rejection ?? "That file is not a PNG, JPEG or WebP image");
  await setLogo(businessId, bytes, mime);
  return redirectWithFlash(request, PAGE, { kind: "success", message: "Logo updated." });
}
