// `npm run seed:scale` at a tiny size, into this test file's database: the counts asked for, totals
// that follow from the lines by the app's own rule, and amounts paid that match the payments.
import { spawn } from "node:child_process";
import path from "node:path";
import bcrypt from "bcrypt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeTotals, type DiscountType, type TaxMode } from "~/models/totals";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SIZES = { customers: 50, invoices: 500, activity: 40 };

function runSeed(args: string[]) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/seed-scale.ts"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.once("exit", (code) => resolve({ code, output }));
  });
}

let client: pg.Client;
let login: { email: string; password: string };
let businessId: string;

beforeAll(async () => {
  const { code, output } = await runSeed(["--customers", String(SIZES.customers), "--invoices", String(SIZES.invoices), "--activity", String(SIZES.activity)]);
  expect(code, output).toBe(0);
  const match = /Scale login: (\S+) \/ (\S+)/.exec(output);
  expect(match, output).not.toBeNull();
  login = { email: match![1], password: match![2] };
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query<{ businessId: string }>(`SELECT "businessId" FROM "User" WHERE email = $1`, [login.email]);
  businessId = rows[0].businessId;
}, 120_000);

afterAll(() => client?.end());

const count = async (table: string) =>
  Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}" WHERE "businessId" = $1`, [businessId])).rows[0].n);

describe("seed:scale", () => {
  it("creates one business with the requested sizes and an owner who can sign in", async () => {
    expect(await count("Customer")).toBe(SIZES.customers);
    expect(await count("Invoice")).toBe(SIZES.invoices);
    expect(await count("ActivityEvent")).toBe(SIZES.activity);
    const lines = await count("InvoiceLine");
    expect(lines).toBeGreaterThanOrEqual(SIZES.invoices);
    expect(lines).toBeLessThanOrEqual(SIZES.invoices * 5);
    expect(await count("Payment")).toBeGreaterThan(0);

    const business = await client.query(`SELECT "nextInvoiceNumber" FROM "Business" WHERE id = $1`, [businessId]);
    expect(business.rows[0].nextInvoiceNumber).toBe(SIZES.invoices + 1);
    const numbers = await client.query(`SELECT min(number) AS min, max(number) AS max, count(DISTINCT number) AS n FROM "Invoice" WHERE "businessId" = $1`, [
      businessId,
    ]);
    expect(numbers.rows[0]).toEqual({ min: 1, max: SIZES.invoices, n: String(SIZES.invoices) });

    const user = await client.query(`SELECT role, "passwordHash" FROM "User" WHERE email = $1`, [login.email]);
    expect(user.rows[0].role).toBe("OWNER");
    expect(user.rows[0].passwordHash).toMatch(/^\$2[aby]\$12\$/);
    expect(await bcrypt.compare(login.password, user.rows[0].passwordHash)).toBe(true);
  });

  it("mixes statuses and spreads issue dates over three years, due on or after issue", async () => {
    const { rows } = await client.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM "Invoice" WHERE "businessId" = $1 GROUP BY status`, [
      businessId,
    ]);
    const statuses = new Set(rows.map((r) => r.status));
    for (const s of ["PAID", "PARTIALLY_PAID", "SENT", "VOID"]) expect(statuses).toContain(s);
    const dates = await client.query(
      `SELECT (current_date - min("issueDate")) AS oldest, (current_date - max("issueDate")) AS newest,
              count(*) FILTER (WHERE "dueDate" < "issueDate") AS due_before_issue
       FROM "Invoice" WHERE "businessId" = $1`,
      [businessId],
    );
    expect(dates.rows[0].oldest).toBeGreaterThanOrEqual(3 * 365 - 2);
    expect(dates.rows[0].oldest).toBeLessThanOrEqual(3 * 365 + 2);
    expect(dates.rows[0].newest).toBeLessThanOrEqual(2);
    expect(dates.rows[0].due_before_issue).toBe("0");
  });

  it("stores totals that computeTotals gives for the invoice's lines", async () => {
    const invoices = await client.query(
      `SELECT id, "taxMode", "taxRate", "discountType", "discountValue", "subtotalCents", "discountCents", "taxCents", "totalCents"
       FROM "Invoice" WHERE "businessId" = $1`,
      [businessId],
    );
    const lines = await client.query(
      `SELECT "invoiceId", position, "quantityMilli", "unitPriceCents", "taxRate", "amountCents", "taxCents"
       FROM "InvoiceLine" WHERE "businessId" = $1 ORDER BY "invoiceId", position`,
      [businessId],
    );
    const byInvoice = new Map<string, typeof lines.rows>();
    for (const line of lines.rows) byInvoice.set(line.invoiceId, [...(byInvoice.get(line.invoiceId) ?? []), line]);
    for (const invoice of invoices.rows) {
      const own = byInvoice.get(invoice.id) ?? [];
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(5);
      expect(own.map((l) => l.position)).toEqual(own.map((_, i) => i));
      const totals = computeTotals({
        lines: own,
        taxMode: invoice.taxMode as TaxMode,
        taxRate: invoice.taxRate,
        discountType: invoice.discountType as DiscountType,
        discountValue: invoice.discountValue,
      });
      expect({
        subtotal: invoice.subtotalCents,
        discount: invoice.discountCents,
        tax: invoice.taxCents,
        total: invoice.totalCents,
        lines: own.map((l) => [l.amountCents, l.taxCents]),
      }).toEqual({
        subtotal: totals.subtotalCents,
        discount: totals.discountCents,
        tax: totals.taxCents,
        total: totals.totalCents,
        lines: totals.lines.map((l) => [l.amountCents, l.taxCents]),
      });
      expect(invoice.subtotalCents).toBe(own.reduce((sum, l) => sum + l.amountCents, 0));
      expect(invoice.totalCents).toBeGreaterThan(0);
    }
  });

  it("records amountPaidCents as the sum of each invoice's payments, consistent with its status", async () => {
    const { rows } = await client.query(
      `SELECT i.number, i.status, i."totalCents", i."amountPaidCents", i."paidAt",
              COALESCE(SUM(p."amountCents") FILTER (WHERE p.status = 'SUCCEEDED'), 0)::int AS paid,
              count(p.id)::int AS payments
       FROM "Invoice" i LEFT JOIN "Payment" p ON p."invoiceId" = i.id
       WHERE i."businessId" = $1 GROUP BY i.id`,
      [businessId],
    );
    for (const r of rows) {
      expect(r.amountPaidCents, `invoice ${r.number}`).toBe(r.paid);
      if (r.status === "PAID") {
        expect(r.amountPaidCents, `invoice ${r.number}`).toBe(r.totalCents);
        expect(r.paidAt).not.toBeNull();
      } else if (r.status === "PARTIALLY_PAID") {
        expect(r.amountPaidCents).toBeGreaterThan(0);
        expect(r.amountPaidCents).toBeLessThan(r.totalCents);
      } else {
        expect(r.payments, `invoice ${r.number} (${r.status})`).toBe(0);
      }
    }
  });

  it("can run again into the same database (a second business, new ids and login)", async () => {
    const { code, output } = await runSeed(["--customers", "3", "--invoices", "5", "--activity", "2"]);
    expect(code, output).toBe(0);
    const second = /Scale login: (\S+) \//.exec(output)![1];
    expect(second).not.toBe(login.email);
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM "Business"`);
    expect(rows[0].n).toBe(2);
  }, 60_000);
});
