// Reading a form that may carry one uploaded file (expense receipts, job photos): the file part is read
// up to its size cap and the rest drained, so an oversize file becomes a field error for the form rather
// than a failed request; text fields are held in memory, small. server.ts caps the whole body first.
import { unstable_composeUploadHandlers, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";

/** The value the file field gets when the file was over the cap (its bytes were dropped). */
export const FILE_TOO_LARGE = "\u0000too-large";

const badRequest = () => new Response("Bad Request: the form could not be read.", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * The form of a POST, multipart or urlencoded. The part named `fileField` becomes a File (up to
 * `maxBytes`), FILE_TOO_LARGE when larger, or "" when no file was chosen. A malformed body is a 400.
 */
export async function readFormWithFile(request: Request, fileField: string, maxBytes: number): Promise<FormData> {
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType)) {
    try {
      return await request.formData();
    } catch {
      throw badRequest();
    }
  }
  const fileHandler: UploadHandler = async ({ name, filename, contentType: type, data }) => {
    if (name !== fileField) return undefined;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size <= maxBytes) chunks.push(chunk);
    }
    if (!filename || size === 0) return "";
    if (size > maxBytes) return FILE_TOO_LARGE;
    return new File([new Uint8Array(Buffer.concat(chunks))], filename, { type: type || "application/octet-stream" });
  };
  try {
    return await unstable_parseMultipartFormData(
      request,
      unstable_composeUploadHandlers(fileHandler, unstable_createMemoryUploadHandler({ maxPartSize: 64 * 1024 })),
    );
  } catch {
    throw badRequest();
  }
}
