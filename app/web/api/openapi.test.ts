// The generated OpenAPI document is valid OpenAPI 3.1 (checked against the official schema by a
// validator library), and it is the contract: named schemas, declared headers, date-time formats, an
// enum of every error code the source can answer, and no body the document accepts that the server
// refuses because of a rule the document forgot (each server rule below is probed at its boundary).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import * as S from "~/models/api-schemas";
import { BUSINESS_LIMITS, MAX_DOCUMENT_NUMBER, MAX_PAYMENT_TERMS_DAYS } from "~/models/business-form";
import { CUSTOMER_LIMITS } from "~/models/customer-form";
import { MAX_LINE_DESCRIPTION, MAX_LINES, MAX_TEXT, MAX_TOTAL, MAX_UNIT_PRICE } from "~/models/document-input";
import { errorStatuses, OPERATIONS, openApiDocument } from "./openapi.server";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const doc = openApiDocument() as Json;

describe("openApiDocument", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has one operation per OPERATIONS entry, each with a unique operationId, a description, a declared tag and its error responses", () => {
    const operations = Object.values(doc.paths as Record<string, Record<string, Json>>).flatMap((p) => Object.values(p));
    expect(operations).toHaveLength(OPERATIONS.length);
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(doc.tags.map((t: Json) => t.name));
    for (const op of operations) {
      expect(op.description?.length, op.operationId).toBeGreaterThan(10);
      for (const tag of op.tags) expect(tags.has(tag), `${op.operationId} tag ${tag}`).toBe(true);
      expect(
        Object.keys(op.responses).some((s) => s.startsWith("4")),
        op.operationId,
      ).toBe(true);
      expect(op.responses["500"], op.operationId).toBeDefined();
    }
    expect(doc.info.license.name).toBeTruthy();
    expect(doc.info.contact.email).toMatch(/@/);
  });

  it("documents every status an operation can answer: 409 on concurrent PATCHes, 412 with If-Match, 429 where rate limited, 409 for reused Idempotency-Keys", () => {
    const op = (method: string, p: string) => doc.paths[`/api/v1${p}`][method];
    for (const p of ["/customers/{customerId}", "/business", "/invoices/{invoiceId}", "/estimates/{estimateId}"]) {
      expect(Object.keys(op("patch", p).responses)).toEqual(expect.arrayContaining(["400", "401", "409", "412"]));
    }
    for (const p of ["/customers", "/invoices", "/estimates", "/invoices/{invoiceId}/payments"]) {
      const post = op("post", p);
      expect(Object.keys(post.responses), p).toEqual(expect.arrayContaining(["400", "401", "409"]));
      expect(
        post.parameters.map((x: Json) => x.$ref),
        p,
      ).toContain("#/components/parameters/IdempotencyKey");
    }
    for (const p of ["/auth/login", "/auth/refresh", "/auth/password"]) expect(op("post", p).responses["429"], p).toBeDefined();
    expect(doc.components.responses.E429.headers["Retry-After"]).toEqual({ $ref: "#/components/headers/Retry-After" });
    for (const o of OPERATIONS) expect(errorStatuses(o)).toContain(500);
  });

  it("uses named component schemas: one Customer, referenced by every customer operation", () => {
    const schemas = doc.components.schemas;
    for (const name of ["Customer", "Invoice", "Estimate", "Payment", "Business", "Error", "Deletion", "CustomerPage", "InvoiceCreate"])
      expect(schemas[name], name).toBeDefined();
    expect(schemas.CustomerResponse.properties.data).toEqual({ $ref: "#/components/schemas/Customer" });
    expect(schemas.CustomerPage.properties.data.items).toEqual({ $ref: "#/components/schemas/Customer" });
    for (const [p, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, operation] of Object.entries(methods)) {
        const body = operation.requestBody?.content["application/json"].schema;
        if (body) expect(body.$ref, `${method} ${p} body`).toMatch(/^#\/components\/schemas\//);
        for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
          const schema = response.content?.["application/json"]?.schema;
          if (schema) expect(schema.$ref, `${method} ${p} ${status}`).toMatch(/^#\/components\/schemas\//);
        }
      }
    }
  });

  it("declares ETag, If-Match, If-None-Match, Idempotency-Key and Retry-After as headers", () => {
    expect(Object.keys(doc.components.headers)).toEqual(expect.arrayContaining(["ETag", "Retry-After", "Idempotent-Replayed"]));
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: "Idempotency-Key", in: "header" });
    expect(doc.components.parameters.IfMatch).toMatchObject({ name: "If-Match", in: "header" });
    expect(doc.components.parameters.IfNoneMatch).toMatchObject({ name: "If-None-Match", in: "header" });
    const get = doc.paths["/api/v1/invoices/{invoiceId}"].get;
    expect(get.responses["200"].headers.ETag).toBeDefined();
    expect(get.responses["304"]).toBeDefined();
    expect(get.parameters.map((x: Json) => x.$ref)).toContain("#/components/parameters/IfNoneMatch");
    expect(doc.paths["/api/v1/invoices/{invoiceId}"].patch.parameters.map((x: Json) => x.$ref)).toContain("#/components/parameters/IfMatch");
  });

  it("gives every timestamp format date-time and every date format date", () => {
    const schemas = doc.components.schemas;
    for (const name of ["Customer", "Invoice", "Estimate", "Payment", "Business", "Deletion", "TokenPair"]) {
      for (const [field, property] of Object.entries(schemas[name].properties as Record<string, Json>)) {
        const types = property.anyOf ?? [property];
        if (/At$/.test(field))
          expect(
            types.some((t: Json) => t.format === "date-time"),
            `${name}.${field}`,
          ).toBe(true);
        if (/(Date|On|Until)$/.test(field))
          expect(
            types.some((t: Json) => t.format === "date"),
            `${name}.${field}`,
          ).toBe(true);
      }
    }
  });

  it("lists every error code the source can answer in the Error code enum", () => {
    const enumValues: string[] = doc.components.schemas.Error.properties.error.properties.code.enum;
    const root = path.resolve(import.meta.dirname, "..");
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (entry === "generated") continue;
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry) && !entry.endsWith(".test.ts")) files.push(full);
      }
    };
    walk(root);
    const codes = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/ApiError\(\s*\d+,\s*["`]([a-z_]+)["`]/g)) codes.add(m[1]);
      for (const m of text.matchAll(/\[\s*"([a-z_]+)",\s*"[^"]*"\s*\]/g)) if (file.endsWith("api.server.ts")) codes.add(m[1]);
    }
    for (const reason of ["invalid", "expired", "reused"]) codes.add(`refresh_token_${reason}`);
    expect(codes.size).toBeGreaterThan(15);
    expect([...codes].filter((c) => !enumValues.includes(c))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The document refuses what the server refuses: each probe breaks one server rule at its boundary.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: "doc", components: doc.components });
const docAccepts = (schema: string, body: unknown) => ajv.getSchema(`doc#/components/schemas/${schema}`)!(body) === true;

const line = { description: "Replace faucet", quantity: "1", unitPriceCents: 12_000 };
const invoice = { customerId: "cmcustomer0000000000000000", issueDate: "2026-06-01", dueDate: "2026-06-15", lines: [line] };
const business: Parameters<typeof S.businessFormValues>[0] = {
  id: "b",
  name: "Acme Plumbing",
  email: null,
  phone: null,
  website: null,
  addressLine1: null,
  addressLine2: null,
  city: null,
  region: null,
  postalCode: null,
  country: null,
  currency: "USD",
  currencyLocked: false,
  timeZone: "America/Chicago",
  defaultTaxRate: "0",
  invoicePrefix: "INV-",
  nextInvoiceNumber: 1,
  estimatePrefix: "EST-",
  nextEstimateNumber: 1,
  paymentTermsDays: 14,
  reviewUrl: null,
  reviewRequestsEnabled: false,
  reviewRequestPeriodDays: 180,
  remindersEnabled: false,
  reminderDays: [1, 7, 14],
  hasLogo: false,
  accentColor: null,
  updatedAt: "2026-06-01T00:00:00.000Z",
};

/** What the server decides for a body: the API schema, then (documents) the parse into the domain input with every business rule. */
const serverAccepts = {
  InvoiceCreate: (body: Json) => S.InvoiceInputBody.safeParse(body).success,
  CustomerCreate: (body: Json) => S.CustomerCreateBody.safeParse(body).success && S.CustomerFormSchema.safeParse(S.customerFormValues(body)).success,
  BusinessUpdate: (body: Json) =>
    S.BusinessUpdateBody.safeParse(body).success && S.BusinessProfileSchema.safeParse(S.businessFormValues(business, body)).success,
  PaymentCreate: (body: Json) => S.PaymentCreateBody.safeParse(body).success,
};

const probes: Array<[string, keyof typeof serverAccepts, Json]> = [
  ["line description over the limit", "InvoiceCreate", { ...invoice, lines: [{ ...line, description: "x".repeat(MAX_LINE_DESCRIPTION + 1) }] }],
  ["notes over the limit", "InvoiceCreate", { ...invoice, notes: "x".repeat(MAX_TEXT + 1) }],
  ["terms over the limit", "InvoiceCreate", { ...invoice, terms: "x".repeat(MAX_TEXT + 1) }],
  ["unit price over the limit", "InvoiceCreate", { ...invoice, lines: [{ ...line, unitPriceCents: MAX_UNIT_PRICE + 1 }] }],
  ["no lines", "InvoiceCreate", { ...invoice, lines: [] }],
  ["too many lines", "InvoiceCreate", { ...invoice, lines: Array(MAX_LINES + 1).fill({ ...line, unitPriceCents: 1 }) }],
  ["tax over 50 %", "InvoiceCreate", { ...invoice, taxRate: "50.001" }],
  ["line tax over 50 %", "InvoiceCreate", { ...invoice, taxMode: "PER_LINE", lines: [{ ...line, taxRate: "51" }] }],
  ["discount over 100 %", "InvoiceCreate", { ...invoice, discountType: "PERCENT", discountPercent: "100.5" }],
  ["quantity zero", "InvoiceCreate", { ...invoice, lines: [{ ...line, quantity: "0" }] }],
  ["quantity over 100,000", "InvoiceCreate", { ...invoice, lines: [{ ...line, quantity: "100000.5" }] }],
  ["quantity with 4 decimals", "InvoiceCreate", { ...invoice, lines: [{ ...line, quantity: "1.2345" }] }],
  ["date before 2000", "InvoiceCreate", { ...invoice, issueDate: "1999-12-31" }],
  ["deposit over the maximum", "InvoiceCreate", { ...invoice, depositCents: MAX_TOTAL + 1 }],
  ["customer name over the limit", "CustomerCreate", { name: "x".repeat(CUSTOMER_LIMITS.name + 1) }],
  ["customer notes over the limit", "CustomerCreate", { name: "Ann", notes: "x".repeat(CUSTOMER_LIMITS.notes + 1) }],
  ["customer city over the limit", "CustomerCreate", { name: "Ann", city: "x".repeat(CUSTOMER_LIMITS.city + 1) }],
  ["empty customer name", "CustomerCreate", { name: "" }],
  ["invoice prefix over the limit", "BusinessUpdate", { invoicePrefix: "X".repeat(BUSINESS_LIMITS.prefix + 1) }],
  ["invoice prefix with a space", "BusinessUpdate", { invoicePrefix: "IN V" }],
  ["next invoice number 0", "BusinessUpdate", { nextInvoiceNumber: 0 }],
  ["next invoice number over the maximum", "BusinessUpdate", { nextInvoiceNumber: MAX_DOCUMENT_NUMBER + 1 }],
  ["next invoice number 2^53", "BusinessUpdate", { nextInvoiceNumber: 2 ** 53 - 1 }],
  ["payment terms over 365", "BusinessUpdate", { paymentTermsDays: MAX_PAYMENT_TERMS_DAYS + 1 }],
  ["negative payment terms", "BusinessUpdate", { paymentTermsDays: -1 }],
  ["default tax over 50 %", "BusinessUpdate", { defaultTaxRate: "60" }],
  ["review period under 7 days", "BusinessUpdate", { reviewRequestPeriodDays: 6 }],
  ["a reminder day over 365", "BusinessUpdate", { reminderDays: [400] }],
  ["seven reminder days", "BusinessUpdate", { reminderDays: [1, 2, 3, 4, 5, 6, 7] }],
  ["business name over the limit", "BusinessUpdate", { name: "x".repeat(BUSINESS_LIMITS.name + 1) }],
  ["accent colour not #rrggbb", "BusinessUpdate", { accentColor: "#fff" }],
  ["payment over the maximum", "PaymentCreate", { amountCents: MAX_TOTAL + 1, method: "CASH", receivedOn: "2026-06-01" }],
  ["payment of zero", "PaymentCreate", { amountCents: 0, method: "CASH", receivedOn: "2026-06-01" }],
];

describe("the document refuses what the server refuses", () => {
  it("accepts valid bodies, like the server", () => {
    expect(serverAccepts.InvoiceCreate(invoice) && docAccepts("InvoiceCreate", invoice)).toBe(true);
    expect(serverAccepts.CustomerCreate({ name: "Ann" }) && docAccepts("CustomerCreate", { name: "Ann" })).toBe(true);
    const patch = { invoicePrefix: "INV-", nextInvoiceNumber: 42, paymentTermsDays: 30, defaultTaxRate: "8.875", reminderDays: [1, 7] };
    expect(serverAccepts.BusinessUpdate(patch) && docAccepts("BusinessUpdate", patch)).toBe(true);
  });

  it.each(probes)("%s: refused by the server and by the document", (_name, schema, body) => {
    expect(serverAccepts[schema](body), "the server refuses it").toBe(false);
    expect(docAccepts(schema, body), "the document refuses it too").toBe(false);
  });

  it("states the rules a JSON schema cannot express: the invoice total limit", () => {
    expect(doc.components.schemas.InvoiceCreate.properties.lines.description).toContain(String(MAX_TOTAL));
    const payments = doc.paths["/api/v1/invoices/{invoiceId}/payments"].post.description;
    expect(payments).toContain("confirmOverpayment");
    expect(payments).toContain(String(2 * MAX_TOTAL));
  });
});
