// npm run seed:scale: one contractor with a large history (10,000 customers, 100,000 invoices by
// default) for the scale benchmark (scripts/bench.ts). Rows go straight through `pg` as batched
// INSERT ... SELECT FROM unnest(...) inside one transaction: one Prisma call per row would take
// many minutes. Totals come from computeTotals, so the data obeys the same rules as the app's.
//
//   DATABASE_URL=... npm run seed:scale -- [--customers 10000] [--invoices 100000] [--activity 300] [--seed 1]
//
// The random data is reproducible for a given --seed (dates are relative to today); row ids and the
// owner's email and password are new on every run, so the seed can run twice into one database.
import "dotenv/config";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import bcrypt from "bcrypt";
import pg from "pg";
import { computeTotals, type DiscountType, type TaxMode } from "../app/models/totals";
import { formatMoney } from "../app/utils/money";

type ScaleSeedOptions = {
  databaseUrl: string;
  customers?: number;
  invoices?: number;
  activity?: number;
  seed?: number;
  log?: (line: string) => void;
};

export type ScaleSeedResult = {
  businessId: string;
  email: string;
  password: string;
  customers: number;
  invoices: number;
  lines: number;
  payments: number;
  activity: number;
  /** Customer name prefixes for the list benchmark's search: the one on most paid invoices, and a middling one. */
  commonCustomerPrefix: string;
  typicalCustomerPrefix: string;
  seconds: number;
};

const DAY_MS = 86_400_000;
const INVOICE_BATCH = 5_000;
const CUSTOMER_BATCH = 5_000;
const BCRYPT_COST = 12;
const HISTORY_DAYS = 3 * 365;

/** mulberry32: small, fast and seedable, so two benchmark runs see the same data. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof random>;

/** cuid-shaped ids (25 characters, "c" first): a per-run tag keeps runs apart, a counter keeps ids unique. */
function idFactory() {
  const tag = BigInt(`0x${randomBytes(8).toString("hex")}`)
    .toString(36)
    .padStart(13, "0")
    .slice(0, 11);
  let counter = 0;
  return {
    tag,
    next: () => `c${tag}${(counter++).toString(36).padStart(13, "0")}`,
  };
}

const FIRST_NAMES = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Ava",
  "Elijah",
  "Sophia",
  "James",
  "Isabella",
  "William",
  "Mia",
  "Benjamin",
  "Charlotte",
  "Lucas",
  "Amelia",
  "Henry",
  "Harper",
  "Theodore",
  "Evelyn",
  "Jack",
  "Abigail",
  "Levi",
  "Emily",
  "Alexander",
  "Ella",
  "Jackson",
  "Elizabeth",
  "Mateo",
  "Camila",
  "Daniel",
  "Luna",
  "Michael",
  "Sofia",
  "Mason",
  "Avery",
  "Sebastian",
  "Mila",
  "Ethan",
  "Aria",
  "Logan",
  "Scarlett",
  "Owen",
  "Penelope",
  "Samuel",
  "Layla",
  "Jacob",
  "Chloe",
  "Asher",
  "Victoria",
  "Aiden",
  "Madison",
  "John",
  "Eleanor",
  "Joseph",
  "Grace",
  "Wyatt",
  "Nora",
  "David",
  "Riley",
  "Leo",
  "Zoey",
  "Luke",
  "Hannah",
  "Julian",
  "Hazel",
  "Hudson",
  "Lily",
  "Grayson",
  "Ellie",
  "Matthew",
  "Violet",
  "Ezra",
  "Lillian",
  "Gabriel",
  "Zoe",
  "Carter",
  "Stella",
  "Isaac",
  "Aurora",
  "Jayden",
  "Natalie",
  "Luca",
  "Emilia",
  "Anthony",
  "Everly",
  "Dylan",
  "Leah",
  "Lincoln",
  "Aubrey",
  "Thomas",
  "Willow",
  "Maverick",
];
const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Gonzalez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Taylor",
  "Moore",
  "Jackson",
  "Martin",
  "Lee",
  "Perez",
  "Thompson",
  "White",
  "Harris",
  "Sanchez",
  "Clark",
  "Ramirez",
  "Lewis",
  "Robinson",
  "Walker",
  "Young",
  "Allen",
  "King",
  "Wright",
  "Scott",
  "Torres",
  "Nguyen",
  "Hill",
  "Flores",
  "Green",
  "Adams",
  "Nelson",
  "Baker",
  "Hall",
  "Rivera",
  "Campbell",
  "Mitchell",
  "Carter",
  "Roberts",
  "Gomez",
  "Phillips",
  "Evans",
  "Turner",
  "Diaz",
  "Parker",
  "Cruz",
  "Edwards",
  "Collins",
  "Reyes",
  "Stewart",
  "Morris",
  "Morales",
  "Murphy",
  "Cook",
  "Rogers",
  "Gutierrez",
  "Ortiz",
  "Morgan",
  "Cooper",
  "Peterson",
  "Bailey",
  "Reed",
  "Kelly",
  "Howard",
  "Ramos",
  "Kim",
  "Cox",
  "Ward",
  "Richardson",
  "Watson",
  "Brooks",
  "Chavez",
  "Wood",
  "James",
  "Bennett",
  "Gray",
  "Mendoza",
  "Ruiz",
  "Hughes",
];
const COMPANY_KINDS = ["Property Management", "Realty", "Bakery", "Dental", "Cafe", "Holdings", "Apartments", "Family Trust", "Auto Body", "Fitness"];
const CITIES: [string, string, string][] = [
  ["Springfield", "IL", "62701"],
  ["Columbus", "OH", "43004"],
  ["Austin", "TX", "73301"],
  ["Portland", "OR", "97201"],
  ["Raleigh", "NC", "27601"],
  ["Denver", "CO", "80201"],
  ["Madison", "WI", "53703"],
  ["Boise", "ID", "83702"],
  ["Richmond", "VA", "23219"],
  ["Albany", "NY", "12207"],
  ["Tucson", "AZ", "85701"],
  ["Savannah", "GA", "31401"],
];
const STREETS = ["Oak St", "Maple Ave", "Pine Rd", "Cedar Ln", "Elm St", "Lakeview Dr", "Hillcrest Rd", "Main St", "2nd Ave", "Park Blvd"];
// [description, typical quantity in thousandths, unit price range in cents, per-line tax rate]
const LINE_ITEMS: [string, number[], [number, number], number][] = [
  ["Labour (per hour)", [1000, 1500, 2000, 2500, 3000, 4000, 6000, 8000], [6500, 12500], 0],
  ["Call-out fee", [1000], [7500, 15000], 0],
  ["Copper pipe 15mm (per m)", [2000, 3000, 5000, 10000], [450, 900], 8875],
  ["Boiler annual service", [1000], [12000, 19500], 0],
  ["Replace kitchen mixer tap", [1000], [18000, 42000], 8875],
  ["Drain unblocking", [1000], [9500, 22000], 0],
  ["Radiator supply and fit", [1000, 2000, 3000], [21000, 48000], 8875],
  ["Materials and fittings", [1000], [1500, 35000], 8875],
  ["Electrical safety inspection", [1000], [15000, 26000], 0],
  ["Replace double socket", [1000, 2000, 4000], [3500, 7500], 8875],
  ["Roof tile repair (per m²)", [1500, 2500, 4000], [5500, 9500], 0],
  ["Gutter cleaning", [1000], [9000, 18000], 0],
  ["Interior painting (per room)", [1000, 2000, 3000, 5000], [25000, 60000], 0],
  ["Drywall patch and finish", [1000, 2000], [8000, 20000], 0],
  ["Travel (per mile)", [12000, 25000, 40000], [65, 70], 0],
  ["Waste disposal", [1000], [4000, 12000], 0],
  ["Water heater flush", [1000], [11000, 17500], 0],
  ["Smart thermostat supply and install", [1000], [24000, 39000], 8875],
  ["Emergency after-hours surcharge", [1000], [10000, 20000], 0],
  ["Parts", [1000, 2000, 3000], [800, 9000], 8875],
];
const TAX_RATES = [0, 6250, 8875, 8875, 8875];
const METHODS = ["CASH", "CHECK", "CHECK", "BANK_TRANSFER", "CARD", "CARD", "CARD", "ACH", "PAYPAL"] as const;

type Status = "DRAFT" | "SENT" | "VIEWED" | "PARTIALLY_PAID" | "PAID" | "VOID";

/** Older invoices are mostly settled; recent ones are still drafts, sent or being paid. */
function pickStatus(rng: Rng, ageDays: number): Status {
  const r = rng.next();
  const table: [Status, number][] =
    ageDays > 90
      ? [
          ["PAID", 0.86],
          ["VOID", 0.04],
          ["PARTIALLY_PAID", 0.03],
          ["SENT", 0.035],
          ["VIEWED", 0.025],
          ["DRAFT", 0.01],
        ]
      : ageDays > 30
        ? [
            ["PAID", 0.66],
            ["PARTIALLY_PAID", 0.08],
            ["SENT", 0.09],
            ["VIEWED", 0.1],
            ["VOID", 0.03],
            ["DRAFT", 0.04],
          ]
        : [
            ["DRAFT", 0.15],
            ["SENT", 0.3],
            ["VIEWED", 0.25],
            ["PARTIALLY_PAID", 0.1],
            ["PAID", 0.18],
            ["VOID", 0.02],
          ];
  let acc = 0;
  for (const [status, p] of table) {
    acc += p;
    if (r < acc) return status;
  }
  return table[0][0];
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoTime = (ms: number) => new Date(ms).toISOString();

type ColumnType = "text" | "int" | "bool" | "date" | "timestamp" | `"${string}"`;

/** Rows of one table, collected column by column and written with one INSERT ... SELECT FROM unnest per flush. */
class Batch {
  private data: unknown[][];
  private names: string[];
  private types: ColumnType[];
  count = 0;
  total = 0;

  constructor(
    private table: string,
    columns: Record<string, ColumnType>,
  ) {
    this.names = Object.keys(columns);
    this.types = Object.values(columns);
    this.data = this.names.map(() => []);
  }

  push(row: Record<string, unknown>) {
    for (let i = 0; i < this.names.length; i++) this.data[i].push(row[this.names[i]] ?? null);
    this.count++;
  }

  async flush(client: pg.ClientBase) {
    if (this.count === 0) return;
    // Arrays travel as text[]/int[]; enums, dates and timestamps are cast in SQL (timestamps are UTC
    // ISO strings: Postgres drops the "Z" for `timestamp without time zone`, which is what Prisma stores).
    const arrayType = (t: ColumnType) => (t === "int" ? "int[]" : t === "bool" ? "bool[]" : "text[]");
    const cast = (t: ColumnType) => (t === "int" || t === "bool" || t === "text" ? "" : t === "timestamp" ? "::timestamp(3)" : `::${t}`);
    const sql =
      `INSERT INTO "${this.table}" (${this.names.map((n) => `"${n}"`).join(", ")}) ` +
      `SELECT ${this.types.map((t, i) => `c${i}${cast(t)}`).join(", ")} ` +
      `FROM unnest(${this.types.map((t, i) => `$${i + 1}::${arrayType(t)}`).join(", ")}) AS t(${this.names.map((_, i) => `c${i}`).join(", ")})`;
    await client.query(sql, this.data);
    this.total += this.count;
    this.count = 0;
    this.data = this.names.map(() => []);
  }
}

export async function seedScale(options: ScaleSeedOptions): Promise<ScaleSeedResult> {
  const started = Date.now();
  const customerCount = options.customers ?? 10_000;
  const invoiceCount = options.invoices ?? 100_000;
  const activityCount = options.activity ?? Math.min(300, invoiceCount);
  const log = options.log ?? (() => {});
  if (customerCount < 1 || invoiceCount < 0) throw new Error("--customers must be at least 1 and --invoices at least 0");
  const rng = random(options.seed ?? 1);
  const ids = idFactory();

  const now = Date.now();
  const todayMs = Date.parse(`${isoDate(now)}T00:00:00Z`);
  const password = randomBytes(12).toString("base64url");
  const email = `scale-${ids.tag}@invoicelink.local`;
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  const businessId = ids.next();
  const userId = ids.next();

  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  const prefixHits = new Map<string, number>();
  const counts = { lines: 0, payments: 0, activity: 0 };
  try {
    await client.query("BEGIN");
    const createdAt = isoTime(todayMs - (HISTORY_DAYS + 30) * DAY_MS);
    await client.query(
      `INSERT INTO "Business" (id, name, email, phone, city, region, country, currency, "timeZone", "defaultTaxRate",
         "invoicePrefix", "nextInvoiceNumber", "paymentTermsDays", "createdAt", "updatedAt")
       VALUES ($1, 'Scale Test Plumbing & Heating', $2, '+1 555 0100', 'Springfield', 'IL', 'US', 'USD', 'America/New_York', 8875,
         'INV-', $3, 14, $4::timestamp(3), now())`,
      [businessId, email, invoiceCount + 1, createdAt],
    );
    await client.query(
      `INSERT INTO "User" (id, "businessId", email, name, role, "passwordHash", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, 'Sam Scale', 'OWNER', $4, $5::timestamp(3), now())`,
      [userId, businessId, email, passwordHash, createdAt],
    );

    // Customers: people and a few companies; names repeat a little, as they do in real books.
    const customers = new Batch("Customer", {
      id: "text",
      businessId: "text",
      name: "text",
      email: "text",
      phone: "text",
      addressLine1: "text",
      city: "text",
      region: "text",
      postalCode: "text",
      country: "text",
      archivedAt: "timestamp",
      createdAt: "timestamp",
      updatedAt: "timestamp",
    });
    const customerIds: string[] = [];
    const customerNames: string[] = [];
    for (let i = 0; i < customerCount; i++) {
      const last = rng.pick(LAST_NAMES);
      const name = rng.chance(0.15) ? `${last} ${rng.pick(COMPANY_KINDS)}` : `${rng.pick(FIRST_NAMES)} ${last}`;
      const [city, region, postalCode] = rng.pick(CITIES);
      const id = ids.next();
      const since = todayMs - rng.int(0, HISTORY_DAYS) * DAY_MS;
      customerIds.push(id);
      customerNames.push(name);
      customers.push({
        id,
        businessId,
        name,
        email: rng.chance(0.85) ? `${name.toLowerCase().replace(/[^a-z]+/g, ".")}.${i}@example.com` : null,
        phone: rng.chance(0.9) ? `+1 555 ${String(rng.int(0, 9999)).padStart(4, "0")}` : null,
        addressLine1: `${rng.int(1, 9999)} ${rng.pick(STREETS)}`,
        city,
        region,
        postalCode,
        country: "US",
        archivedAt: rng.chance(0.02) ? isoTime(since + DAY_MS) : null,
        createdAt: isoTime(since),
        updatedAt: isoTime(since),
      });
      if (customers.count >= CUSTOMER_BATCH) await customers.flush(client);
    }
    await customers.flush(client);
    log(`${customers.total} customers`);

    const invoices = new Batch("Invoice", {
      id: "text",
      businessId: "text",
      customerId: "text",
      number: "int",
      status: '"InvoiceStatus"',
      currency: "text",
      issueDate: "date",
      dueDate: "date",
      taxMode: '"TaxMode"',
      taxRate: "int",
      discountType: '"DiscountType"',
      discountValue: "int",
      depositCents: "int",
      subtotalCents: "int",
      discountCents: "int",
      taxCents: "int",
      totalCents: "int",
      amountPaidCents: "int",
      overpaidCents: "int",
      notes: "text",
      version: "int",
      sentAt: "timestamp",
      viewedAt: "timestamp",
      paidAt: "timestamp",
      voidedAt: "timestamp",
      createdAt: "timestamp",
      updatedAt: "timestamp",
    });
    const lines = new Batch("InvoiceLine", {
      id: "text",
      businessId: "text",
      invoiceId: "text",
      position: "int",
      description: "text",
      quantityMilli: "int",
      unitPriceCents: "int",
      taxRate: "int",
      amountCents: "int",
      taxCents: "int",
    });
    const payments = new Batch("Payment", {
      id: "text",
      businessId: "text",
      invoiceId: "text",
      amountCents: "int",
      currency: "text",
      method: '"PaymentMethod"',
      provider: "text",
      providerPaymentId: "text",
      status: '"PaymentStatus"',
      overpaymentCents: "int",
      reference: "text",
      receivedAt: "timestamp",
      recordedById: "text",
      createdAt: "timestamp",
    });
    // The most recent invoices feed the activity feed at the end.
    const recent: { id: string; number: number; customerId: string; customerName: string; status: Status; totalCents: number; at: number }[] = [];

    for (let number = 1; number <= invoiceCount; number++) {
      // Numbers follow issue dates: invoice 1 is three years old, the last one is from today.
      const dayOffset = Math.floor(((number - 1) * HISTORY_DAYS) / Math.max(1, invoiceCount - 1));
      const issueMs = todayMs - (HISTORY_DAYS - dayOffset) * DAY_MS;
      const ageDays = Math.round((todayMs - issueMs) / DAY_MS);
      const dueMs = issueMs + rng.pick([0, 7, 14, 14, 14, 30, 30]) * DAY_MS;
      // A few regulars get most of the work.
      const customerIndex = Math.floor(customerCount * rng.next() ** 2);
      const customerId = customerIds[customerIndex];
      const status = pickStatus(rng, ageDays);

      const taxMode: TaxMode = rng.chance(0.2) ? "PER_LINE" : "INVOICE";
      const taxRate = taxMode === "INVOICE" ? rng.pick(TAX_RATES) : 0;
      const lineInputs = Array.from({ length: rng.int(1, 5) }, () => {
        const [description, quantities, [minPrice, maxPrice], lineTax] = rng.pick(LINE_ITEMS);
        return {
          description,
          quantityMilli: rng.pick(quantities),
          unitPriceCents: rng.int(minPrice, maxPrice),
          taxRate: taxMode === "PER_LINE" ? lineTax : 0,
        };
      });
      const discountRoll = rng.next();
      const discountType: DiscountType = discountRoll < 0.1 ? "PERCENT" : discountRoll < 0.15 ? "AMOUNT" : "NONE";
      let discountValue = 0;
      if (discountType === "PERCENT") discountValue = rng.pick([5000, 10000, 15000]);
      if (discountType === "AMOUNT") {
        const subtotal = computeTotals({ lines: lineInputs, taxMode, taxRate, discountType: "NONE", discountValue: 0 }).subtotalCents;
        discountValue = Math.max(1, Math.floor((subtotal * rng.int(2, 15)) / 100 / 100) * 100);
      }
      const totals = computeTotals({ lines: lineInputs, taxMode, taxRate, discountType, discountValue });
      const depositCents = rng.chance(0.1) ? Math.round(totals.totalCents / 4) : 0;

      const id = ids.next();
      const createdMs = issueMs + rng.int(8, 17) * 3_600_000;
      const sentMs = status === "DRAFT" ? null : Math.min(now, createdMs + rng.int(0, 6) * 3_600_000);
      const viewedMs =
        sentMs !== null && (status === "VIEWED" || ((status === "PAID" || status === "PARTIALLY_PAID") && rng.chance(0.8)))
          ? Math.min(now, sentMs + rng.int(1, 72) * 3_600_000)
          : null;
      const voidedMs = status === "VOID" ? Math.min(now, createdMs + rng.int(1, 20) * DAY_MS) : null;

      // Payments: paid invoices are settled by one payment, sometimes two; partly paid ones have one.
      let amountPaidCents = 0;
      let paidMs: number | null = null;
      let lastTouch = Math.max(createdMs, sentMs ?? 0, viewedMs ?? 0, voidedMs ?? 0);
      if (status === "PAID" || status === "PARTIALLY_PAID") {
        const amounts: number[] = [];
        if (status === "PAID") {
          if (totals.totalCents > 1 && rng.chance(0.25)) {
            const first = depositCents > 0 ? depositCents : Math.max(1, Math.floor((totals.totalCents * rng.int(20, 60)) / 100));
            amounts.push(first, totals.totalCents - first);
          } else amounts.push(totals.totalCents);
        } else {
          const part = depositCents > 0 ? depositCents : Math.floor((totals.totalCents * rng.int(10, 90)) / 100);
          amounts.push(Math.min(totals.totalCents - 1, Math.max(1, part)));
        }
        let at = Math.max(sentMs ?? createdMs, viewedMs ?? 0);
        for (const amountCents of amounts) {
          if (amountCents <= 0) continue;
          at = Math.min(now, at + rng.int(0, 25) * DAY_MS + rng.int(1, 8) * 3_600_000);
          const paymentId = ids.next();
          payments.push({
            id: paymentId,
            businessId,
            invoiceId: id,
            amountCents,
            currency: "USD",
            method: rng.pick(METHODS),
            provider: "manual",
            providerPaymentId: `seed-${paymentId}`,
            status: "SUCCEEDED",
            overpaymentCents: 0,
            reference: rng.chance(0.3) ? `#${rng.int(1000, 99999)}` : null,
            receivedAt: isoTime(at),
            recordedById: userId,
            createdAt: isoTime(at),
          });
          amountPaidCents += amountCents;
        }
        lastTouch = Math.max(lastTouch, at);
        if (status === "PAID") paidMs = at;
      }

      invoices.push({
        id,
        businessId,
        customerId,
        number,
        status,
        currency: "USD",
        issueDate: isoDate(issueMs),
        dueDate: isoDate(dueMs),
        taxMode,
        taxRate,
        discountType,
        discountValue,
        depositCents,
        subtotalCents: totals.subtotalCents,
        discountCents: totals.discountCents,
        taxCents: totals.taxCents,
        totalCents: totals.totalCents,
        amountPaidCents,
        overpaidCents: 0,
        notes: rng.chance(0.1) ? "Thank you for your business." : null,
        version: 1,
        sentAt: sentMs === null ? null : isoTime(sentMs),
        viewedAt: viewedMs === null ? null : isoTime(viewedMs),
        paidAt: paidMs === null ? null : isoTime(paidMs),
        voidedAt: voidedMs === null ? null : isoTime(voidedMs),
        createdAt: isoTime(createdMs),
        updatedAt: isoTime(lastTouch),
      });
      lineInputs.forEach((line, position) => {
        lines.push({
          id: ids.next(),
          businessId,
          invoiceId: id,
          position,
          description: line.description,
          quantityMilli: line.quantityMilli,
          unitPriceCents: line.unitPriceCents,
          taxRate: line.taxRate,
          amountCents: totals.lines[position].amountCents,
          taxCents: totals.lines[position].taxCents,
        });
      });
      if (status === "PAID") {
        const prefix = customerNames[customerIndex].slice(0, 4);
        prefixHits.set(prefix, (prefixHits.get(prefix) ?? 0) + 1);
      }
      if (number > invoiceCount - activityCount) {
        recent.push({ id, number, customerId, customerName: customerNames[customerIndex], status, totalCents: totals.totalCents, at: lastTouch });
      }

      if (invoices.count >= INVOICE_BATCH) {
        // Parents first: lines and payments reference the invoices of the same batch.
        await invoices.flush(client);
        await lines.flush(client);
        await payments.flush(client);
        if (invoices.total % 20_000 === 0) log(`${invoices.total} invoices`);
      }
    }
    await invoices.flush(client);
    await lines.flush(client);
    await payments.flush(client);
    counts.lines = lines.total;
    counts.payments = payments.total;
    log(`${invoices.total} invoices, ${lines.total} lines, ${payments.total} payments`);

    const activity = new Batch("ActivityEvent", {
      id: "text",
      businessId: "text",
      type: "text",
      message: "text",
      invoiceId: "text",
      customerId: "text",
      createdAt: "timestamp",
    });
    for (const inv of recent) {
      const label = `INV-${String(inv.number).padStart(4, "0")}`;
      const [type, message] =
        inv.status === "PAID" || inv.status === "PARTIALLY_PAID"
          ? ["payment.received", `Payment of ${formatMoney(inv.totalCents, "USD")} received on invoice #${inv.number}`]
          : inv.status === "DRAFT"
            ? ["invoice.created", `Invoice ${label} created for ${inv.customerName}`]
            : inv.status === "VOID"
              ? ["invoice.voided", `Invoice #${inv.number} voided`]
              : inv.status === "VIEWED"
                ? ["invoice.viewed", "Customer opened the invoice"]
                : ["invoice.sent", `Invoice #${inv.number} sent`];
      activity.push({ id: ids.next(), businessId, type, message, invoiceId: inv.id, customerId: inv.customerId, createdAt: isoTime(inv.at) });
    }
    await activity.flush(client);
    counts.activity = activity.total;

    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
  // 4-letter prefixes of paid invoices' customers, most frequent first: searches that find something.
  const prefixes = [...prefixHits].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([p]) => p);

  // Fresh statistics (and a visibility map, so index-only scans work as on a settled database).
  const maintenance = new pg.Client({ connectionString: options.databaseUrl });
  await maintenance.connect();
  try {
    await maintenance.query(`VACUUM (ANALYZE) "Business", "User", "Customer", "Invoice", "InvoiceLine", "Payment", "ActivityEvent"`);
  } finally {
    await maintenance.end();
  }

  const seconds = (Date.now() - started) / 1000;
  return {
    businessId,
    email,
    password,
    customers: customerCount,
    invoices: invoiceCount,
    lines: counts.lines,
    payments: counts.payments,
    activity: counts.activity,
    commonCustomerPrefix: prefixes[0] ?? "",
    typicalCustomerPrefix: prefixes[Math.floor(prefixes.length / 2)] ?? "",
    seconds,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      customers: { type: "string", default: "10000" },
      invoices: { type: "string", default: "100000" },
      activity: { type: "string", default: "300" },
      seed: { type: "string", default: "1" },
    },
  });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error("Set DATABASE_URL to the (migrated) database to seed.");
    process.exit(1);
  }
  const toCount = (name: string, value: string) => {
    const n = Number(value.replaceAll("_", ""));
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
    return n;
  };
  const result = await seedScale({
    databaseUrl,
    customers: toCount("customers", values.customers),
    invoices: toCount("invoices", values.invoices),
    activity: toCount("activity", values.activity),
    seed: toCount("seed", values.seed),
    log: (line) => console.log(`[seed:scale] ${line}`),
  });
  console.log(
    `[seed:scale] done in ${result.seconds.toFixed(1)} s: ${result.customers} customers, ${result.invoices} invoices, ` +
      `${result.lines} lines, ${result.payments} payments, ${result.activity} activity events`,
  );
  console.log(`Scale login: ${result.email} / ${result.password}`);
}
