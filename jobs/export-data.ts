// Builds a data export (app/models/data-export.server.ts): every table of the business as JSON and CSV
// in one zip, stored in its DataExport row. A failed attempt is retried by graphile-worker (the row
// goes back to QUEUED); after the last one the row shows FAILED and the owner can ask again. A row that
// is gone (account closed) or finished is skipped: deleting the row cancels the export.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { markDataExportFailed, runDataExport } from "~/models/data-export.server";

const Payload = z.object({ exportId: z.string().min(1), businessId: z.string().min(1) }) satisfies z.ZodType<GraphileWorker.Tasks["export-data"]>;

const exportData: Task<"export-data"> = async (payload, helpers) => {
  const { exportId, businessId } = Payload.parse(payload);
  try {
    const outcome = await runDataExport(exportId, businessId);
    helpers.logger.info(`export-data: ${outcome}`, { exportId });
  } catch (error) {
    const { attempts, max_attempts: maxAttempts } = helpers.job;
    const reason = error instanceof Error ? error.message : String(error);
    await markDataExportFailed(exportId, reason, attempts < maxAttempts);
    throw error;
  }
};

export default exportData;
