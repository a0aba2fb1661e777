// The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the routes validate
// with (z.toJSONSchema), so the documentation cannot drift from the code. A test checks that every
// operation listed here has a route and every API route is listed here.
import { z } from "zod";
import { ACCESS_TOKEN_TTL_SECONDS } from "./api-token.server";
import * as S from "./api-schemas";

type Method = "get" | "post" | "patch";
type Response = { description: string; schema?: z.ZodType; headers?: Record<string, string> };
export type Operation = {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** false for the endpoints that hand out tokens. */
  auth?: boolean;
  body?: z.ZodType;
  bodyOptional?: boolean;
  query?: z.ZodObject;
  responses: Record<number, Response>;
  errors?: number[];
  /** A single resource with an ETag: If-None-Match can answer 304. */
  etag?: boolean;
};

const item = S.itemResource;
const page = S.pageResource;

export const OPERATIONS: Operation[] = [
  {
    method: "post", path: "/auth/login", tag: "Auth", auth: false, summary: "Sign in with email and password (10 per 15 minutes per IP).",
    body: S.LoginBody, responses: { 200: { description: "A token pair for a new device.", schema: S.TokenPairResource } }, errors: [400, 401, 429],
  },
  {
    method: "post", path: "/auth/refresh", tag: "Auth", auth: false,
    summary: "Exchange the refresh token for a new pair. Single use: presenting a used one again (after 10 s) ends that device's sign-in on every copy; within 10 s it gets 409. Lapses after 7 days without use.",
    body: S.RefreshBody, responses: { 200: { description: "A new token pair; the old refresh token is spent.", schema: S.TokenPairResource } }, errors: [400, 401, 409, 429],
  },
  {
    method: "post", path: "/auth/logout", tag: "Auth", summary: "End this device's sign-in. Needs the access token and this device's refresh token.",
    body: S.LogoutBody, responses: { 204: { description: "Signed out." } }, errors: [400, 401, 403],
  },
  {
    method: "post", path: "/auth/password", tag: "Auth",
    summary: "Change the password. Ends every web session and device sign-in of the user; returns a new pair for this device.",
    body: S.ChangePasswordBody, responses: { 200: { description: "A token pair for this device.", schema: S.TokenPairResource } }, errors: [400, 401, 429],
  },
  { etag: true, method: "get", path: "/me", tag: "Auth", summary: "The signed-in user.", responses: { 200: { description: "The user.", schema: item(S.UserResource) } } },
  { etag: true, method: "get", path: "/business", tag: "Business", summary: "The business profile.", responses: { 200: { description: "The profile.", schema: item(S.BusinessResource) } } },
  {
    method: "patch", path: "/business", tag: "Business", summary: "Change some fields of the business profile (If-Match supported).",
    body: S.BusinessUpdateBody, responses: { 200: { description: "The profile.", schema: item(S.BusinessResource) } }, errors: [400, 401, 412],
  },
  { method: "get", path: "/customers", tag: "Customers", summary: "List customers by last change.", query: S.CustomerListQuery, responses: { 200: { description: "A page.", schema: page(S.CustomerResource) } } },
  { method: "post", path: "/customers", tag: "Customers", summary: "Add a customer.", body: S.CustomerCreateBody, responses: { 201: { description: "The customer.", schema: item(S.CustomerResource) } } },
  { etag: true, method: "get", path: "/customers/{customerId}", tag: "Customers", summary: "One customer (ETag, If-None-Match).", responses: { 200: { description: "The customer.", schema: item(S.CustomerResource) } } },
  {
    method: "patch", path: "/customers/{customerId}", tag: "Customers", summary: "Change some fields; null clears one; archived archives or restores (If-Match supported).",
    body: S.CustomerUpdateBody, responses: { 200: { description: "The customer.", schema: item(S.CustomerResource) } }, errors: [400, 401, 404, 412],
  },
  { method: "get", path: "/invoices", tag: "Invoices", summary: "List invoices with their lines, by last change.", query: S.InvoiceListQuery, responses: { 200: { description: "A page.", schema: page(S.InvoiceResource) } } },
  { method: "post", path: "/invoices", tag: "Invoices", summary: "Create a draft invoice.", body: S.InvoiceCreateBody, responses: { 201: { description: "The invoice.", schema: item(S.InvoiceResource) } } },
  { etag: true, method: "get", path: "/invoices/{invoiceId}", tag: "Invoices", summary: "One invoice with its lines (ETag, If-None-Match).", responses: { 200: { description: "The invoice.", schema: item(S.InvoiceResource) } } },
  {
    method: "patch", path: "/invoices/{invoiceId}", tag: "Invoices",
    summary: "Change some fields (lines replaces every line). Paid and void invoices cannot change (409). If-Match supported.",
    body: S.InvoiceUpdateBody, responses: { 200: { description: "The invoice.", schema: item(S.InvoiceResource) } }, errors: [400, 401, 404, 409, 412],
  },
  {
    method: "post", path: "/invoices/{invoiceId}/send", tag: "Invoices", summary: "Email the pay link to the customer, or mark the invoice sent for the app to text it.",
    body: S.SendBody, bodyOptional: true,
    responses: { 200: { description: "The invoice and its pay link.", schema: z.object({ data: S.InvoiceResource, payLink: S.PayLinkResource }) } }, errors: [400, 401, 404, 409],
  },
  { method: "post", path: "/invoices/{invoiceId}/void", tag: "Invoices", summary: "Void the invoice.", responses: { 200: { description: "The invoice.", schema: item(S.InvoiceResource) } } },
  {
    method: "get", path: "/invoices/{invoiceId}/pay-link", tag: "Invoices", summary: "The customer's signed pay link (valid 60 days) and a text message carrying it.",
    responses: { 200: { description: "The link.", schema: item(S.PayLinkResource) } }, errors: [401, 404, 409],
  },
  {
    method: "get", path: "/invoices/{invoiceId}/payments", tag: "Payments", summary: "The invoice's payments.", query: S.PaymentListQuery.omit({ invoiceId: true }),
    responses: { 200: { description: "A page.", schema: page(S.PaymentResource) } },
  },
  {
    method: "post", path: "/invoices/{invoiceId}/payments", tag: "Payments",
    summary: "Record a payment received by hand (cash, check, transfer). Send an Idempotency-Key header so a retry records it once (200 with duplicate: true).",
    body: S.PaymentCreateBody,
    responses: {
      201: { description: "Recorded.", schema: z.object({ data: S.PaymentResource, duplicate: z.boolean() }) },
      200: { description: "Already recorded under this Idempotency-Key.", schema: z.object({ data: S.PaymentResource, duplicate: z.boolean() }) },
    },
    errors: [400, 401, 404, 409],
  },
  { method: "get", path: "/estimates", tag: "Estimates", summary: "List estimates with their lines, by last change.", query: S.EstimateListQuery, responses: { 200: { description: "A page.", schema: page(S.EstimateResource) } } },
  { method: "post", path: "/estimates", tag: "Estimates", summary: "Create a draft estimate.", body: S.EstimateCreateBody, responses: { 201: { description: "The estimate.", schema: item(S.EstimateResource) } } },
  { etag: true, method: "get", path: "/estimates/{estimateId}", tag: "Estimates", summary: "One estimate (ETag, If-None-Match).", responses: { 200: { description: "The estimate.", schema: item(S.EstimateResource) } } },
  {
    method: "patch", path: "/estimates/{estimateId}", tag: "Estimates", summary: "Change some fields (lines replaces every line). If-Match supported.",
    body: S.EstimateUpdateBody, responses: { 200: { description: "The estimate.", schema: item(S.EstimateResource) } }, errors: [400, 401, 404, 409, 412],
  },
  { method: "post", path: "/estimates/{estimateId}/send", tag: "Estimates", summary: "Email the customer a signed link to approve or decline.", body: S.EmptyBody, bodyOptional: true, responses: { 200: { description: "The estimate.", schema: item(S.EstimateResource) } } },
  {
    method: "post", path: "/estimates/{estimateId}/convert", tag: "Estimates", summary: "Turn an approved estimate into a draft invoice (once; again returns the same invoice).",
    responses: { 201: { description: "The new invoice.", schema: item(S.InvoiceResource) }, 200: { description: "The invoice made earlier.", schema: item(S.InvoiceResource) } },
  },
  { method: "get", path: "/payments", tag: "Payments", summary: "Every payment of the business, manual and online.", query: S.PaymentListQuery, responses: { 200: { description: "A page.", schema: page(S.PaymentResource) } } },
  { etag: true, method: "get", path: "/payments/{paymentId}", tag: "Payments", summary: "One payment.", responses: { 200: { description: "The payment.", schema: item(S.PaymentResource) } } },
  {
    method: "post", path: "/payments/{paymentId}/refund", tag: "Payments",
    summary:
      "Refund a payment. Manual payments (empty body): recorded as given back, idempotent, the invoice recomputed. Card and PayPal payments: refunded at Stripe or PayPal (amountCents optional: everything still refundable; reason required); send an Idempotency-Key header so a retry refunds once. Answers 202 with the pending refund; the payment's refundedCents changes when the provider confirms. More than is left to refund: 400. The provider failing or not answering: 502/504 with its answer, nothing changed, retry with the same key.",
    body: S.RefundBody, bodyOptional: true,
    responses: {
      200: { description: "The manual payment, REFUNDED; or, for a repeated Idempotency-Key, the refund already sent (duplicate: true).", schema: z.object({ data: S.PaymentResource, refund: S.RefundResource.optional(), duplicate: z.boolean().optional() }) },
      202: { description: "Sent to the provider; the payment updates when it confirms.", schema: z.object({ data: S.PaymentResource, refund: S.RefundResource, duplicate: z.boolean() }) },
    },
    errors: [400, 401, 404, 409, 502, 504],
  },
];

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid body or parameters (code validation_failed, invalid_json, invalid_body, body_too_large); fields names each problem.",
  402: "Code subscription_required: the account is read-only (Invoice Link trial ended, or the subscription is unpaid or cancelled), so nothing new is created or sent. Reading, exports and payments of existing links still work.",
  401: "Missing, expired or invalid access token, or a sign-in that was ended.",
  403: "Not allowed.",
  404: "Not found, or another business's id.",
  409: "The request conflicts with the current state (for example a paid invoice cannot change).",
  412: "If-Match does not name the current version.",
  429: "Rate limited; Retry-After says when to try again.",
  502: "A payment provider refused or failed (code provider_error); the message says what it answered. Nothing changed here.",
  504: "A payment provider did not answer in time (code provider_error). Retry with the same Idempotency-Key: it will not act twice.",
};

/** Operations a read-only account may not use (they create or send): these document 402. */
const CREATES_OR_SENDS = /^\/(invoices|estimates)(\/\{\w+\}\/(send|convert))?$/;

function jsonSchema(schema: z.ZodType) {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

function queryParameters(query: z.ZodObject) {
  const schema = jsonSchema(query) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: "query", required: schema.required?.includes(name) ?? false, description, schema: rest };
  });
}

let cached: unknown = null;

export function openApiDocument() {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } })),
      ...(op.query ? queryParameters(op.query) : []),
    ];
    const errors = op.errors ?? (op.auth === false ? [400, 429] : op.method === "get" ? [400, 401, 404] : [400, 401, 404, 409]);
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      responses[status] = { description: response.description, ...(response.schema ? { content: { "application/json": { schema: jsonSchema(response.schema) } } } : {}) };
    }
    if (op.method === "post" && CREATES_OR_SENDS.test(op.path)) responses[402] = { $ref: "#/components/responses/E402" };
    if (op.etag) responses[304] = { description: "Not modified: If-None-Match names the current ETag." };
    for (const status of errors) responses[status] = { $ref: `#/components/responses/E${status}` };
    (paths[`/api/v1${op.path}`] ??= {})[op.method] = {
      tags: [op.tag],
      summary: op.summary,
      operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      ...(op.auth === false ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: !op.bodyOptional, content: { "application/json": { schema: jsonSchema(op.body) } } } } : {}),
      responses,
    };
  }
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Invoice Link API",
      version: "1",
      description: [
        "The JSON API of the Invoice Link mobile apps. Sign in at /auth/login, send the access token as `Authorization: Bearer <token>`",
        `(it lasts ${ACCESS_TOKEN_TTL_SECONDS / 60} minutes), and exchange the refresh token at /auth/refresh for a new pair.`,
        "Refresh tokens are single use: refresh single-flight. A second exchange of the same token within 10 seconds gets 409 refresh_in_progress (use the pair the first one received); later it is taken for a stolen copy and ends the sign-in.",
        "Money is integer minor units of the business currency (`*Cents`); quantities and percentages are decimal strings.",
        "Every error is `{error: {code, message, fields?}}`. Lists are cursor pages ordered by last change; pass `nextCursor` as `cursor`.",
        "Single resources carry an ETag: send If-None-Match to get 304, If-Match on PATCH to refuse a lost update (412).",
      ].join(" "),
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      responses: Object.fromEntries(
        Object.entries(ERROR_TEXT).map(([status, description]) => [
          `E${status}`,
          { description, content: { "application/json": { schema: jsonSchema(S.ErrorResource) } } },
        ]),
      ),
    },
    paths,
  };
  return cached;
}
