// Data export (access and portability): the owner asks for a copy of everything the business has; the
// export-data job writes it as a zip of JSON and CSV files into a DataExport row in Postgres, so any
// instance can serve the download, and nothing touches the local disk. Rows are read in keyset batches
// and pulled by the zip one file at a time, so only one batch and the compressed zip are ever in memory.
// See docs/decisions/008-data-export-and-account-deletion.md.
import { Readable } from "node:stream";
import yazl from "yazl";
import { Prisma } from "~/generated/prisma/client.ts";
import { csvLines, type CsvCell } from "~/utils/csv.server";
import { prisma } from "~/utils/db.server";
import { addJob } from "~/utils/jobs.server";
import { DomainError, GoneError, notFound } from "./errors.server";

/** A finished export can be downloaded for this long; then it answers 410 and cleanup drops its bytes. */
export const EXPORT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** A QUEUED or RUNNING export older than this is taken for dead (its job failed for good): a new one may start. */
const EXPORT_STALE_MS = 6 * 60 * 60 * 1000;
/** Rows per database round trip. */
export const EXPORT_BATCH_SIZE = 500;
const EXPORT_MAX_ATTEMPTS = 3;

type Row = Record<string, unknown>;
type Fetch = (businessId: string, after: string | null, take: number) => Promise<Row[]>;

type ExportTable = {
  /** The file name: json/<name>.json and csv/<name>.csv. */
  name: string;
  description: string;
  /** Written in this order, in both files; anything else the query returns is left out. */
  columns: string[];
  /** Keyset pagination: rows come ordered by this value, and the next batch starts after the last one's. */
  cursorOf?: (row: Row) => string;
  fetch: Fetch;
};

const after = (id: string | null) => (id ? { id: { gt: id } } : {});
const byId = { id: "asc" } as const;
function columnsOf(fields: Record<string, string>, leaveOut: string[] = []) {
  return Object.values(fields).filter((f) => !leaveOut.includes(f));
}

/**
 * Every table of a business's data. Left out on purpose: password hashes, session ids and API token
 * hashes (credentials), the logo's bytes in JSON (the file itself is in the zip), email bodies (the
 * documents they were about are here; Postmark's copies are dropped once sent) and earlier exports.
 */
export const EXPORT_TABLES: ExportTable[] = [
  {
    name: "business",
    description: "The business profile and settings (the logo is logo.<ext> beside this folder).",
    columns: columnsOf(Prisma.BusinessScalarFieldEnum, ["logo"]),
    fetch: (businessId, id, take) => prisma.business.findMany({ where: { id: businessId, ...after(id) }, omit: { logo: true }, orderBy: byId, take }),
  },
  {
    name: "users",
    description: "People who can sign in (no password hashes).",
    columns: columnsOf(Prisma.UserScalarFieldEnum, ["passwordHash"]),
    fetch: (businessId, id, take) => prisma.user.findMany({ where: { businessId, ...after(id) }, omit: { passwordHash: true }, orderBy: byId, take }),
  },
  {
    name: "sessions",
    description: "Signed-in browsers: when, from which IP address and browser (the session ids are credentials and left out).",
    columns: ["userId", "createdAt", "expiresAt", "ip", "userAgent"],
    fetch: (businessId, id, take) =>
      prisma.session.findMany({
        where: { businessId, ...after(id) },
        select: { id: true, userId: true, createdAt: true, expiresAt: true, ip: true, userAgent: true },
        orderBy: byId,
        take,
      }),
  },
  {
    name: "api-devices",
    description: "Devices signed in to the API (the refresh token hashes are credentials and left out).",
    columns: ["id", "userId", "createdAt", "lastUsedAt", "ip", "userAgent"],
    fetch: (businessId, id, take) => prisma.refreshTokenFamily.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "customers",
    description: "Customers, archived ones included.",
    columns: columnsOf(Prisma.CustomerScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.customer.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "estimates",
    description: "Estimates (amounts in integer minor units of the currency: cents).",
    columns: columnsOf(Prisma.EstimateScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.estimate.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "estimate-lines",
    description: "Line items of the estimates (quantityMilli: thousandths; taxRate: thousandths of a percent).",
    columns: columnsOf(Prisma.EstimateLineScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.estimateLine.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "invoices",
    description: "Invoices (amounts in integer minor units of the currency: cents).",
    columns: columnsOf(Prisma.InvoiceScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.invoice.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "invoice-lines",
    description: "Line items of the invoices (quantityMilli: thousandths; taxRate: thousandths of a percent).",
    columns: columnsOf(Prisma.InvoiceLineScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.invoiceLine.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "invoice-revisions",
    description: "Earlier versions of invoices edited after they were sent (snapshot: the invoice as it was).",
    columns: columnsOf(Prisma.InvoiceRevisionScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.invoiceRevision.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "payments",
    description: "Payments, manual and online (card brand and last four digits are the only card data ever stored).",
    columns: columnsOf(Prisma.PaymentScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.payment.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "refunds",
    description: "Refunds asked of Stripe or PayPal from the app: amount, reason, status and the provider's refund id.",
    columns: columnsOf(Prisma.RefundScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.refund.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "emails",
    description: "Emails sent for the business: recipient, subject, template and delivery history (no bodies).",
    columns: columnsOf(Prisma.EmailMessageScalarFieldEnum, ["textBody", "htmlBody", "claimedAt", "batchJobKey"]),
    fetch: (businessId, id, take) =>
      prisma.emailMessage.findMany({ where: { businessId, ...after(id) }, omit: { textBody: true, htmlBody: true }, orderBy: byId, take }),
  },
  {
    name: "activity",
    description: "The activity feed.",
    columns: columnsOf(Prisma.ActivityEventScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.activityEvent.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "recurring-schedules",
    description: "Recurring invoice schedules.",
    columns: columnsOf(Prisma.RecurringScheduleScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.recurringSchedule.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "expenses",
    description: "Expenses (amounts in integer minor units of the currency: cents).",
    columns: columnsOf(Prisma.ExpenseScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.expense.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "saved-items",
    description: "Saved items, the price book (unit prices in integer minor units of the currency: cents).",
    columns: columnsOf(Prisma.SavedItemScalarFieldEnum),
    fetch: (businessId, id, take) => prisma.savedItem.findMany({ where: { businessId, ...after(id) }, orderBy: byId, take }),
  },
  {
    name: "expense-receipts",
    description: "Receipt photos of expenses (the images themselves are expense-receipts/<id>.<ext> beside this folder).",
    columns: columnsOf(Prisma.ExpenseReceiptScalarFieldEnum, ["bytes"]),
    fetch: (businessId, id, take) => prisma.expenseReceipt.findMany({ where: { businessId, ...after(id) }, omit: { bytes: true }, orderBy: byId, take }),
  },
  {
    name: "job-photos",
    description: "Job photos on invoices and estimates (the images themselves are job-photos/<id>.<ext> beside this folder).",
    columns: columnsOf(Prisma.JobPhotoScalarFieldEnum, ["bytes"]),
    fetch: (businessId, id, take) => prisma.jobPhoto.findMany({ where: { businessId, ...after(id) }, omit: { bytes: true }, orderBy: byId, take }),
  },
  {
    name: "property-details",
    description: "Property facts looked up on Rentcast for customers' addresses.",
    columns: columnsOf(Prisma.PropertyDetailsScalarFieldEnum),
    cursorOf: (row) => row.customerId as string,
    fetch: (businessId, customerId, take) =>
      prisma.propertyDetails.findMany({
        where: { businessId, ...(customerId ? { customerId: { gt: customerId } } : {}) },
        orderBy: { customerId: "asc" },
        take,
      }),
  },
  {
    name: "property-lookup-usage",
    description: "Rentcast lookups used per month.",
    columns: columnsOf(Prisma.PropertyLookupUsageScalarFieldEnum),
    cursorOf: (row) => (row.month as Date).toISOString(),
    fetch: (businessId, month, take) =>
      prisma.propertyLookupUsage.findMany({ where: { businessId, ...(month ? { month: { gt: new Date(month) } } : {}) }, orderBy: { month: "asc" }, take }),
  },
];

/** A value as JSON has it: dates as ISO 8601, everything else as stored. */
function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  return value;
}

function csvValue(value: unknown): CsvCell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  return JSON.stringify(value);
}

async function* batchesOf(table: ExportTable, businessId: string, batchSize: number): AsyncGenerator<Row[]> {
  let cursor: string | null = null;
  for (;;) {
    const rows = await table.fetch(businessId, cursor, batchSize);
    if (rows.length) yield rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1];
    cursor = table.cursorOf ? table.cursorOf(last) : (last.id as string);
  }
}

async function* jsonFile(table: ExportTable, businessId: string, batchSize: number): AsyncGenerator<Buffer> {
  let first = true;
  yield Buffer.from("[");
  for await (const rows of batchesOf(table, businessId, batchSize)) {
    const text = rows.map((row) => JSON.stringify(Object.fromEntries(table.columns.map((c) => [c, jsonValue(row[c] ?? null)])), null, 2)).join(",\n");
    yield Buffer.from(`${first ? "\n" : ",\n"}${text}`);
    first = false;
  }
  yield Buffer.from(first ? "]\n" : "\n]\n");
}

async function* csvFile(table: ExportTable, businessId: string, batchSize: number, onDone: () => Promise<void>): AsyncGenerator<Buffer> {
  // The byte order mark makes Excel read accented names correctly.
  yield Buffer.from(`\uFEFF${csvLines([table.columns])}`);
  for await (const rows of batchesOf(table, businessId, batchSize)) {
    yield Buffer.from(csvLines(rows.map((row) => table.columns.map((c) => csvValue(row[c])))));
  }
  await onDone();
}

const IMAGE_EXTENSIONS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };
const imageFile = (name: string, mimeType: string) => `${name}.${IMAGE_EXTENSIONS[mimeType] ?? "bin"}`;

/** Stored photos (receipts, job photos), one file each: ids and types in batches here; each photo's bytes only when the zip reaches it. */
type PhotoTable = {
  folder: string;
  list: (businessId: string, after: string | null, take: number) => Promise<{ id: string; mimeType: string }[]>;
  bytes: (businessId: string, id: string) => Promise<{ bytes: Uint8Array } | null>;
};
const PHOTO_TABLES: PhotoTable[] = [
  {
    folder: "expense-receipts",
    list: (businessId, cursor, take) =>
      prisma.expenseReceipt.findMany({ where: { businessId, ...after(cursor) }, select: { id: true, mimeType: true }, orderBy: byId, take }),
    bytes: (businessId, id) => prisma.expenseReceipt.findFirst({ where: { id, businessId }, select: { bytes: true } }),
  },
  {
    folder: "job-photos",
    list: (businessId, cursor, take) =>
      prisma.jobPhoto.findMany({ where: { businessId, ...after(cursor) }, select: { id: true, mimeType: true }, orderBy: byId, take }),
    bytes: (businessId, id) => prisma.jobPhoto.findFirst({ where: { id, businessId }, select: { bytes: true } }),
  },
];

async function* photoFiles(table: PhotoTable, businessId: string, batchSize: number): AsyncGenerator<{ id: string; path: string }[]> {
  let cursor: string | null = null;
  for (;;) {
    const rows = await table.list(businessId, cursor, batchSize);
    if (rows.length) yield rows.map((r) => ({ id: r.id, path: `${table.folder}/${imageFile(r.id, r.mimeType)}` }));
    if (rows.length < batchSize) return;
    cursor = rows[rows.length - 1].id;
  }
}

function readme(generatedAt: Date, tables: ExportTable[], logoFile: string | null) {
  return [
    "Invoice Link data export",
    `Generated ${generatedAt.toISOString()}`,
    "",
    "Every table is here twice: json/<table>.json (an array of objects) and csv/<table>.csv (the same",
    "columns, UTF-8 with a byte order mark). Dates are ISO 8601 in UTC. Money is in integer minor units",
    "of the currency (cents): 12345 USD is $123.45. Ids link the tables (invoices.customerId -> customers.id).",
    "",
    ...tables.map((t) => `${t.name}: ${t.description}`),
    ...(logoFile ? [`${logoFile}: the business logo as uploaded.`] : []),
    "",
    "expense-receipts/: the receipt photos of expenses, named by their id in expense-receipts.",
    "job-photos/: the photos on invoices and estimates, named by their id in job-photos.",
    "",
    "Not included: password hashes, session ids and API tokens (they are credentials), email bodies",
    "(the invoices, estimates and payments they were about are here), and earlier exports.",
    "",
  ].join("\r\n");
}

type BuildOptions = { batchSize?: number; now?: Date; onProgress?: (percent: number) => Promise<void> };

/** The whole export as one zip (compressed bytes only are held in memory, as they come). */
export async function buildExportZip(businessId: string, options: BuildOptions = {}): Promise<Buffer> {
  const batchSize = options.batchSize ?? EXPORT_BATCH_SIZE;
  const now = options.now ?? new Date();
  const logo = await prisma.business.findUnique({ where: { id: businessId }, select: { logo: true, logoMimeType: true } });
  const logoFile = logo?.logo && logo.logoMimeType ? imageFile("logo", logo.logoMimeType) : null;

  const zip = new yazl.ZipFile();
  const failed = new Promise<never>((_, reject) => zip.on("error", reject));
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  })();
  const add = (source: AsyncGenerator<Buffer>, path: string) => {
    zip.addReadStreamLazy(path, { mtime: now }, (cb) => {
      // yazl pipes the stream without listening for its errors: hand them to the zip.
      const stream = Readable.from(source, { objectMode: false });
      stream.on("error", (error) => zip.emit("error", error));
      cb(null, stream);
    });
  };
  zip.addBuffer(Buffer.from(readme(now, EXPORT_TABLES, logoFile)), "README.txt", { mtime: now });
  if (logoFile && logo?.logo) zip.addBuffer(Buffer.from(logo.logo), logoFile, { mtime: now, compress: false });
  let done = 0;
  for (const table of EXPORT_TABLES) {
    add(jsonFile(table, businessId, batchSize), `json/${table.name}.json`);
    add(
      csvFile(table, businessId, batchSize, async () => {
        done += 1;
        await options.onProgress?.(Math.min(99, Math.floor((done / EXPORT_TABLES.length) * 100)));
      }),
      `csv/${table.name}.csv`,
    );
  }
  for (const table of PHOTO_TABLES) {
    for await (const batch of photoFiles(table, businessId, batchSize)) {
      for (const photo of batch) {
        zip.addReadStreamLazy(photo.path, { mtime: now, compress: false }, (cb) => {
          table
            .bytes(businessId, photo.id)
            // A photo deleted meanwhile is an empty file rather than a failed export.
            .then((row) => cb(null, Readable.from([Buffer.from(row?.bytes ?? new Uint8Array())], { objectMode: false })))
            .catch((error: unknown) => zip.emit("error", error));
        });
      }
    }
  }
  zip.end();
  await Promise.race([collected, failed]);
  return Buffer.concat(chunks);
}

/** The key of an export's job: one job per export, found again by it (account closure). */
export const exportJobKey = (exportId: string) => `export-data:${exportId}`;

type RequestExportResult = { status: "queued"; id: string } | { status: "in-progress"; id: string };

/**
 * Queues an export for the business, unless one is queued or running already (one at a time per
 * business). A transaction-scoped advisory lock on the business makes two simultaneous requests
 * queue one export, not two. The row and its job commit together.
 */
export async function requestDataExport(businessId: string, userId: string, now = new Date()): Promise<RequestExportResult> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`data-export:${businessId}`}, 0))`;
    // An export whose job died for good long ago must not block the business forever.
    await tx.dataExport.updateMany({
      where: { businessId, status: { in: ["QUEUED", "RUNNING"] }, createdAt: { lt: new Date(now.getTime() - EXPORT_STALE_MS) } },
      data: { status: "FAILED", error: "The export did not finish in time", finishedAt: now },
    });
    const open = await tx.dataExport.findFirst({ where: { businessId, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
    if (open) return { status: "in-progress" as const, id: open.id };
    const row = await tx.dataExport.create({ data: { businessId, requestedById: userId, createdAt: now }, select: { id: true } });
    await addJob(tx, { task: "export-data", payload: { exportId: row.id, businessId }, jobKey: exportJobKey(row.id), maxAttempts: EXPORT_MAX_ATTEMPTS });
    return { status: "queued" as const, id: row.id };
  });
}

type RunExportOutcome = "ready" | "skipped";

/**
 * The export-data job's work: claim the row (QUEUED, or RUNNING again after a crash), build the zip,
 * store it. A row that is gone (the account was closed meanwhile) or already finished is skipped.
 */
export async function runDataExport(exportId: string, businessId: string, now = () => new Date()): Promise<RunExportOutcome> {
  const claimed = await prisma.dataExport.updateMany({
    where: { id: exportId, businessId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "RUNNING", startedAt: now(), progress: 0, error: null },
  });
  if (!claimed.count) return "skipped";
  const bytes = await buildExportZip(businessId, {
    now: now(),
    onProgress: async (progress) => {
      await prisma.dataExport.updateMany({ where: { id: exportId, status: "RUNNING" }, data: { progress } });
    },
  });
  const finishedAt = now();
  const stored = await prisma.dataExport.updateMany({
    where: { id: exportId, status: "RUNNING" },
    // Buffer.concat never returns a SharedArrayBuffer view; Prisma only types the narrower one.
    data: {
      status: "READY",
      progress: 100,
      bytes: bytes as Uint8Array<ArrayBuffer>,
      sizeBytes: bytes.byteLength,
      finishedAt,
      expiresAt: new Date(finishedAt.getTime() + EXPORT_TTL_MS),
    },
  });
  return stored.count ? "ready" : "skipped";
}

/** After the job's last attempt failed: the owner sees FAILED and may ask again. */
export async function markDataExportFailed(exportId: string, reason: string, retrying: boolean) {
  await prisma.dataExport.updateMany({
    where: { id: exportId, status: { in: ["QUEUED", "RUNNING"] } },
    data: retrying ? { status: "QUEUED", progress: 0, error: reason.slice(0, 500) } : { status: "FAILED", error: reason.slice(0, 500), finishedAt: new Date() },
  });
}

export type ExportSummary = Awaited<ReturnType<typeof listDataExports>>[number];

/** The business's recent exports for the settings page (never the bytes). */
export async function listDataExports(businessId: string, now = new Date()) {
  const rows = await prisma.dataExport.findMany({
    where: { businessId },
    orderBy: { createdAt: "desc" },
    take: 10,
    select: { id: true, status: true, progress: true, sizeBytes: true, error: true, createdAt: true, finishedAt: true, expiresAt: true },
  });
  // A READY export past its expiry is EXPIRED to the owner already, before cleanup gets to it.
  return rows.map((row) => ({ ...row, status: row.status === "READY" && row.expiresAt && row.expiresAt <= now ? ("EXPIRED" as const) : row.status }));
}

function exportFilename(createdAt: Date) {
  return `invoice-link-export-${createdAt.toISOString().slice(0, 10)}.zip`;
}

/**
 * The zip of one of the business's exports. Another business's id, or an unknown one: 404. Expired:
 * 410. Not finished (or failed): 409.
 */
export async function getDataExportFile(businessId: string, id: string, now = new Date()) {
  const meta = await prisma.dataExport.findFirst({ where: { id, businessId }, select: { status: true, expiresAt: true, createdAt: true } });
  if (!meta) notFound("Export not found");
  if (meta.status === "EXPIRED" || (meta.expiresAt && meta.expiresAt <= now)) {
    throw new GoneError("This export has expired. Request a new one from Settings → Export your data.");
  }
  if (meta.status !== "READY") throw new DomainError("This export is not ready.");
  const row = await prisma.dataExport.findFirst({ where: { id, businessId, status: "READY" }, select: { bytes: true } });
  if (!row?.bytes) throw new DomainError("This export is not ready.");
  return { bytes: row.bytes, filename: exportFilename(meta.createdAt) };
}

/** Cleanup: expired exports keep their row (the settings page says EXPIRED) but lose their bytes. */
export async function expireDataExports(now = new Date()) {
  const expired = await prisma.dataExport.updateMany({
    where: { status: "READY", expiresAt: { lte: now } },
    data: { status: "EXPIRED", bytes: null },
  });
  return expired.count;
}
