// Data export (Settings → Export your data) on real Postgres, against the production server, with the
// export-data job run by a real graphile-worker: the zip holds every table of the business as JSON and
// CSV (and the logo and receipt photos) and nothing of another business; batching changes nothing; the
// page shows QUEUED / RUNNING (with a refresh) / READY / FAILED; one export at a time; downloads need
// the session, are 404 for another business, 410 after expiry; cleanup drops the bytes.
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser } from "../helpers/browser";
import { elementAt, pageText } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";
import { businessScopedModels, PNG_1PX, seedBusiness, type SeededBusiness } from "../helpers/seeded-business";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const { prisma } = await import("~/utils/db.server");
const { EXPORT_TABLES, buildExportZip, markDataExportFailed, runDataExport, EXPORT_TTL_MS } = await import("~/models/data-export.server");
const { cleanupExpired } = await import("~/models/cleanup.server");
const { startWorker } = await import("../../jobs/worker");

let server: AppServer;
let A: SeededBusiness;
let B: SeededBusiness;

beforeAll(async () => {
  // No worker in the server: the tests decide when the export job runs.
  server = await startAppServer({ WORKER_IN_PROCESS: "false" });
  A = await seedBusiness(server, "Alpha");
  B = await seedBusiness(server, "Bravo");
});
afterAll(async () => {
  await server?.stop();
  await prisma.$disconnect();
});

/** Which table of the zip each business-owned model is in; null: deliberately not exported (and why). */
const MODEL_FILES: Record<string, string | null> = {
  User: "users",
  Session: "sessions",
  RefreshTokenFamily: "api-devices",
  Customer: "customers",
  Estimate: "estimates",
  EstimateLine: "estimate-lines",
  Invoice: "invoices",
  InvoiceLine: "invoice-lines",
  InvoiceRevision: "invoice-revisions",
  Payment: "payments",
  Refund: "refunds",
  EmailMessage: "emails",
  ActivityEvent: "activity",
  RecurringSchedule: "recurring-schedules",
  Expense: "expenses",
  ExpenseReceipt: "expense-receipts",
  SavedItem: "saved-items",
  JobPhoto: "job-photos",
  PropertyDetails: "property-details",
  PropertyLookupUsage: "property-lookup-usage",
  // Earlier exports are not part of an export.
  DataExport: null,
  // Single-use onboarding states of a provider round trip: transient secrets, not business data.
  ConnectState: null,
  // Invoice Link's own plan state, written from Stripe's webhooks: the platform's billing record, not the
  // business's books (its billing history is in Stripe's portal, Settings → Subscription → Manage billing).
  Subscription: null,
  // API plumbing, not the business's records: stored responses to retried requests (kept 24 hours)
  // and tombstones of deleted items for the apps' sync (ids only).
  IdempotencyKey: null,
  DeletedRecord: null,
  // Which transactions wrote to the business, for the web process's kept pages (decision 029): ids only.
  BusinessChange: null,
};

/** The rows each file must hold for a business, straight from SQL (not through the export's own queries). */
async function expectedKeys(businessId: string): Promise<Record<string, string[]>> {
  const q = (sql: string) => prisma.$queryRawUnsafe<{ k: string }[]>(sql, businessId).then((rows) => rows.map((r) => r.k).sort());
  return {
    business: await q(`SELECT id AS k FROM "Business" WHERE id = $1`),
    users: await q(`SELECT id AS k FROM "User" WHERE "businessId" = $1`),
    sessions: await q(`SELECT "userId" AS k FROM "Session" WHERE "businessId" = $1`),
    "api-devices": await q(`SELECT id AS k FROM "RefreshTokenFamily" WHERE "businessId" = $1`),
    refunds: await q(`SELECT id AS k FROM "Refund" WHERE "businessId" = $1`),
    customers: await q(`SELECT id AS k FROM "Customer" WHERE "businessId" = $1`),
    estimates: await q(`SELECT id AS k FROM "Estimate" WHERE "businessId" = $1`),
    "estimate-lines": await q(`SELECT id AS k FROM "EstimateLine" WHERE "businessId" = $1`),
    invoices: await q(`SELECT id AS k FROM "Invoice" WHERE "businessId" = $1`),
    "invoice-lines": await q(`SELECT id AS k FROM "InvoiceLine" WHERE "businessId" = $1`),
    "invoice-revisions": await q(`SELECT id AS k FROM "InvoiceRevision" WHERE "businessId" = $1`),
    payments: await q(`SELECT id AS k FROM "Payment" WHERE "businessId" = $1`),
    emails: await q(`SELECT id AS k FROM "EmailMessage" WHERE "businessId" = $1`),
    activity: await q(`SELECT id AS k FROM "ActivityEvent" WHERE "businessId" = $1`),
    "recurring-schedules": await q(`SELECT id AS k FROM "RecurringSchedule" WHERE "businessId" = $1`),
    expenses: await q(`SELECT id AS k FROM "Expense" WHERE "businessId" = $1`),
    "expense-receipts": await q(`SELECT id AS k FROM "ExpenseReceipt" WHERE "businessId" = $1`),
    "saved-items": await q(`SELECT id AS k FROM "SavedItem" WHERE "businessId" = $1`),
    "job-photos": await q(`SELECT id AS k FROM "JobPhoto" WHERE "businessId" = $1`),
    "property-details": await q(`SELECT "customerId" AS k FROM "PropertyDetails" WHERE "businessId" = $1`),
    "property-lookup-usage": await q(`SELECT to_char(month, 'YYYY-MM-DD') AS k FROM "PropertyLookupUsage" WHERE "businessId" = $1`),
  };
}

type Row = Record<string, unknown>;
const keyOf = (table: string, row: Row) =>
  table === "sessions"
    ? String(row.userId)
    : table === "property-details"
      ? String(row.customerId)
      : table === "property-lookup-usage"
        ? String(row.month).slice(0, 10)
        : String(row.id);

function unzip(bytes: Uint8Array) {
  const files = unzipSync(bytes);
  const text = (name: string) => {
    expect(files[name], `${name} is in the zip`).toBeDefined();
    return strFromU8(files[name]);
  };
  return {
    files,
    text,
    everything: Object.values(files)
      .map((f) => strFromU8(f))
      .join("\n"),
  };
}

/** Every id and distinctive text of a business: none may appear in another business's export. */
async function fingerprints(b: SeededBusiness) {
  const keys = await expectedKeys(b.business.id);
  return [
    ...Object.entries(keys).flatMap(([table, list]) => (table === "property-lookup-usage" ? [] : list)),
    b.business.name,
    b.email,
    b.customer.email!,
    `${b.label} faucet repair`,
    `${b.label} Hardware`,
    b.cardPaymentId,
  ];
}

describe("the zip", () => {
  it("covers every table that belongs to a business (a new table fails here until it is exported or excluded)", () => {
    expect(businessScopedModels()).toEqual(Object.keys(MODEL_FILES).sort());
    const exported = Object.values(MODEL_FILES).filter(Boolean).sort();
    expect(
      EXPORT_TABLES.map((t) => t.name)
        .filter((n) => n !== "business")
        .sort(),
    ).toEqual(exported);
  });

  it("holds every row of the business as JSON and CSV, the logo and receipts, and nothing of another business", async () => {
    const bytes = await buildExportZip(A.business.id);
    const zip = unzip(bytes);
    const expected = await expectedKeys(A.business.id);
    const counts: Record<string, number> = {};
    for (const table of EXPORT_TABLES) {
      const rows = JSON.parse(zip.text(`json/${table.name}.json`)) as Row[];
      counts[table.name] = rows.length;
      expect(rows.map((r) => keyOf(table.name, r)).sort(), `json/${table.name}.json`).toEqual(expected[table.name]);
      expect(expected[table.name].length, `the seed has rows in ${table.name}`).toBeGreaterThan(0);
      for (const row of rows) expect(Object.keys(row)).toEqual(table.columns);
      const csv = zip.text(`csv/${table.name}.csv`).replace(/^\uFEFF/, "");
      const [header, ...lines] = csv.trimEnd().split("\r\n");
      expect(header.split(","), `csv/${table.name}.csv header`).toEqual(table.columns);
      expect(lines.length, `csv/${table.name}.csv rows`).toBeGreaterThanOrEqual(rows.length);
      for (const key of expected[table.name]) {
        if (table.name !== "sessions" && table.name !== "property-lookup-usage") expect(csv, `csv/${table.name}.csv has ${key}`).toContain(key);
      }
    }
    console.log(`[data-export] rows per table: ${JSON.stringify(counts)}; zip ${bytes.byteLength} bytes`);

    // What must never be in it: credentials, email bodies, the logo as JSON.
    const user = await prisma.user.findUniqueOrThrow({ where: { id: A.user.id } });
    expect(zip.everything).not.toContain(user.passwordHash);
    expect(JSON.parse(zip.text("json/users.json"))[0]).not.toHaveProperty("passwordHash");
    const session = await prisma.session.findFirstOrThrow({ where: { businessId: A.business.id } });
    expect(zip.everything).not.toContain(session.id);
    const token = await prisma.refreshToken.findFirstOrThrow({ where: { familyId: A.family.id } });
    expect(zip.everything).not.toContain(token.tokenHash);
    const emails = JSON.parse(zip.text("json/emails.json")) as Row[];
    expect(emails.length).toBeGreaterThanOrEqual(3);
    for (const email of emails) expect(email).not.toHaveProperty("textBody");
    const [business] = JSON.parse(zip.text("json/business.json")) as Row[];
    expect(business).not.toHaveProperty("logo");
    expect(business).toMatchObject({ id: A.business.id, name: A.business.name, logoMimeType: "image/png" });
    expect(Buffer.from(zip.files["logo.png"])).toEqual(PNG_1PX);
    expect(Buffer.from(zip.files[`expense-receipts/${A.receipt.id}.jpg`])).toEqual(A.receiptBytes);
    expect(Buffer.from(zip.files[`job-photos/${A.jobPhoto.id}.jpg`])).toEqual(A.photoBytes);
    expect(zip.text("README.txt")).toContain("integer minor units");

    // Money stays integer cents; the personal fields the owner typed are there.
    const payments = JSON.parse(zip.text("json/payments.json")) as Row[];
    expect(payments.map((p) => p.amountCents).sort()).toEqual([2_500, 5_000]);
    expect(payments.find((p) => p.providerPaymentId === A.cardPaymentId)).toMatchObject({ cardBrand: "visa", cardLast4: "4242" });
    expect(zip.everything).toContain(`${A.label} gate code 1234`);

    // Nothing of the other business, anywhere.
    for (const marker of await fingerprints(B)) expect(zip.everything, `B's ${marker}`).not.toContain(marker);
    expect(zip.files[`expense-receipts/${B.receipt.id}.jpg`]).toBeUndefined();
    expect(zip.files[`job-photos/${B.jobPhoto.id}.jpg`]).toBeUndefined();
  });

  it("reads in batches: two rows per query gives the same files as the default batch", async () => {
    const progress: number[] = [];
    const now = new Date("2026-11-25T12:00:00Z");
    const small = unzip(await buildExportZip(A.business.id, { batchSize: 2, now, onProgress: async (p) => void progress.push(p) }));
    const normal = unzip(await buildExportZip(A.business.id, { now }));
    expect(Object.keys(small.files).sort()).toEqual(Object.keys(normal.files).sort());
    for (const name of Object.keys(normal.files)) expect(strFromU8(small.files[name]), name).toBe(strFromU8(normal.files[name]));
    // One step per table, rising, short of 100 until the row is READY.
    expect(progress).toHaveLength(EXPORT_TABLES.length);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(progress.at(-1)).toBe(99);
  });
});

describe("requesting, progress and downloading", () => {
  const exportsOf = (businessId: string) => prisma.dataExport.findMany({ where: { businessId }, orderBy: { createdAt: "asc" } });

  it("QUEUED with a refreshing page → one at a time → the worker builds it → READY with a download link", async () => {
    await prisma.dataExport.deleteMany({ where: { businessId: A.business.id } });
    const page = await A.browser.get("/settings/export");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("None yet.");

    const first = await A.browser.post("/settings/export", { intent: "request-export" });
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("/settings/export");
    const [row] = await exportsOf(A.business.id);
    expect(row).toMatchObject({ status: "QUEUED", progress: 0, requestedById: A.user.id, bytes: null });

    const queued = await (await A.browser.get("/settings/export")).text();
    expect(elementAt(queued, 'meta[http-equiv="refresh"]')?.getAttribute("content")).toBe("3");
    expect(pageText(queued)).toContain("Waiting to start");

    // One at a time: a second request while the first waits changes nothing.
    const second = await A.browser.post("/settings/export", { intent: "request-export" });
    expect(second.status).toBe(409);
    expect(await second.text()).toContain("already being prepared");
    expect(await exportsOf(A.business.id)).toHaveLength(1);
    // Garbage is a 400 that writes nothing.
    expect((await A.browser.post("/settings/export", { intent: "drop-tables" })).status).toBe(400);
    expect(await exportsOf(A.business.id)).toHaveLength(1);

    // RUNNING shows its progress and keeps refreshing.
    await prisma.dataExport.update({ where: { id: row.id }, data: { status: "RUNNING", progress: 42 } });
    const running = await (await A.browser.get("/settings/export")).text();
    expect(pageText(running)).toContain("Preparing");
    expect(elementAt(running, "progress")?.getAttribute("value")).toBe("42");
    expect(elementAt(running, 'meta[http-equiv="refresh"]')).not.toBeNull();
    await prisma.dataExport.update({ where: { id: row.id }, data: { status: "QUEUED", progress: 0 } });

    // The real job through a real worker.
    const worker = await startWorker({ concurrency: 1, crontab: false });
    try {
      await vi.waitFor(async () => expect((await prisma.dataExport.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("READY"), {
        timeout: 60_000,
        interval: 250,
      });
    } finally {
      await worker.stop();
    }
    const ready = await prisma.dataExport.findUniqueOrThrow({ where: { id: row.id } });
    expect(ready.progress).toBe(100);
    expect(ready.sizeBytes).toBe(ready.bytes!.byteLength);
    expect(ready.expiresAt!.getTime() - ready.finishedAt!.getTime()).toBe(EXPORT_TTL_MS);

    const html = await (await A.browser.get("/settings/export")).text();
    expect(html).not.toMatch(/http-equiv="refresh"/);
    expect(html).toContain(`href="/export/data/${row.id}.zip"`);

    const download = await A.browser.get(`/export/data/${row.id}.zip`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/zip");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="invoice-link-export-\d{4}-\d{2}-\d{2}\.zip"$/);
    expect(download.headers.get("cache-control")).toBe("private, no-store");
    const zip = unzip(new Uint8Array(await download.arrayBuffer()));
    expect(JSON.parse(zip.text("json/customers.json"))).toHaveLength(5);

    // Finished: a new export may be requested.
    expect((await A.browser.post("/settings/export", { intent: "request-export" })).status).toBe(302);
    expect(await exportsOf(A.business.id)).toHaveLength(2);
    await prisma.dataExport.deleteMany({ where: { businessId: A.business.id, status: "QUEUED" } });
  });

  it("a download needs the session, and another business's export is a 404 that reveals nothing", async () => {
    const row = await prisma.dataExport.findFirstOrThrow({ where: { businessId: A.business.id, status: "READY" } });
    const anonymous = await new Browser(server.url).get(`/export/data/${row.id}.zip`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login\?redirectTo=/);

    const asB = await B.browser.get(`/export/data/${row.id}.zip`);
    expect(asB.status).toBe(404);
    expect(asB.headers.get("content-type")).not.toBe("application/zip");
    const unknown = await B.browser.get("/export/data/does-not-exist.zip");
    expect(unknown.status).toBe(404);
    // B's settings page does not list A's export either.
    expect(await (await B.browser.get("/settings/export")).text()).not.toContain(row.id);
  });

  it("a failed job shows FAILED, and a stale QUEUED export does not block a new one", async () => {
    await prisma.dataExport.deleteMany({ where: { businessId: B.business.id } });
    expect((await B.browser.post("/settings/export", { intent: "request-export" })).status).toBe(302);
    const [row] = await exportsOf(B.business.id);
    // A failed attempt with retries left goes back to QUEUED; the last one leaves it FAILED.
    await markDataExportFailed(row.id, "database went away", true);
    expect(await prisma.dataExport.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "QUEUED", error: "database went away" });
    await markDataExportFailed(row.id, "database went away", false);
    expect(await prisma.dataExport.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "FAILED" });
    expect(pageText(await (await B.browser.get("/settings/export")).text())).toContain("Failed");
    expect((await B.browser.get(`/export/data/${row.id}.zip`)).status).toBe(409);
    // The job of a FAILED (or deleted) export does nothing.
    expect(await runDataExport(row.id, B.business.id)).toBe("skipped");

    // An export stuck QUEUED for hours (its job lost) is marked FAILED by the next request.
    await prisma.dataExport.create({ data: { businessId: B.business.id, requestedById: B.user.id, createdAt: new Date(Date.now() - 7 * 3_600_000) } });
    expect((await B.browser.post("/settings/export", { intent: "request-export" })).status).toBe(302);
    const rows = await exportsOf(B.business.id);
    expect(rows.map((r) => r.status)).toEqual(["FAILED", "FAILED", "QUEUED"]);
    await prisma.dataExport.deleteMany({ where: { businessId: B.business.id } });
  });

  it("after seven days: 410 for the download; cleanup drops the bytes and the page says Expired", async () => {
    const row = await prisma.dataExport.findFirstOrThrow({ where: { businessId: A.business.id, status: "READY" } });
    await prisma.dataExport.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const gone = await A.browser.get(`/export/data/${row.id}.zip`);
    expect(gone.status).toBe(410);
    expect(pageText(await (await A.browser.get("/settings/export")).text())).toContain("Expired");

    // The nightly cleanup: the row stays (EXPIRED) without its bytes; a fresh export of B is untouched.
    const fresh = await prisma.dataExport.create({
      data: { businessId: B.business.id, status: "READY", bytes: new Uint8Array([1, 2, 3]), sizeBytes: 3, expiresAt: new Date(Date.now() + 86_400_000) },
    });
    const removed = await cleanupExpired();
    expect(removed.dataExports).toBeGreaterThanOrEqual(1);
    expect(await prisma.dataExport.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "EXPIRED", bytes: null });
    expect(await prisma.dataExport.findUniqueOrThrow({ where: { id: fresh.id } })).toMatchObject({ status: "READY", sizeBytes: 3 });
    expect((await A.browser.get(`/export/data/${row.id}.zip`)).status).toBe(410);
    await prisma.dataExport.delete({ where: { id: fresh.id } });
  });
});
