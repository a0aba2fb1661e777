// The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the routes validate
// with (z.toJSONSchema), so the documentation cannot drift from the code. Every limit in it comes
// from the constants the server enforces (api-schemas.ts imports them from the form schemas). Named
// component schemas keep generated clients to one Customer type; headers (ETag, If-Match,
// If-None-Match, Idempotency-Key, Retry-After) are declared; error codes are an enum. Tests check
// that every operation has a route and every route an operation (api-resources.test.ts), that the
// document is valid OpenAPI 3.1, and that it refuses what the server refuses (openapi.test.ts).
import { z } from "zod";
import { API_BODY_LIMIT } from "~/web/api.server";
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_IDLE_MS, REUSE_GRACE_MS } from "~/models/api-token.server";
import * as S from "~/models/api-schemas";
import { DELETION_RETENTION_DAYS } from "~/models/deleted-records.server";
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_RETENTION_HOURS } from "~/models/idempotency.server";
import { LINK_LIFETIME_DAYS } from "~/models/signed-link.server";

type Method = "get" | "post" | "patch";
type Response = { description: string; schema?: z.ZodType; headers?: string[] };
type Operation = {
  method: Method;
  path: string;
  summary: string;
  /** What a client developer needs beyond the summary. */
  description: string;
  tag: Tag;
  /** false for the endpoints that hand out tokens. */
  auth?: boolean;
  body?: z.ZodType;
  bodyOptional?: boolean;
  query?: z.ZodObject;
  responses: Record<number, Response>;
  /** Statuses beyond the ones every operation of its kind can return (see errorStatuses). */
  errors?: number[];
  /** A single resource with an ETag: If-None-Match can answer 304. */
  etag?: boolean;
  /** A PATCH that honours If-Match (412). */
  ifMatch?: boolean;
  /** A creating POST that honours Idempotency-Key. */
  idempotent?: boolean;
  /** Counted against a rate limit (429 with Retry-After). */
  rateLimited?: boolean;
};

const TAGS = {
  Auth: "Sign in, refresh and sign out a device; change the password.",
  Business: "The business profile: contact details, numbering, tax, payment terms, reminders.",
  Customers: "The people and companies the business invoices.",
  Invoices: "Invoices with their lines; sending them and their pay links.",
  Estimates: "Estimates (quotes) the customer approves or declines; an approved one becomes an invoice.",
  Payments: "Payments received: recorded by hand, or from card, bank and PayPal payments online.",
  Sync: "Deletions, for apps that keep a copy and sync it with updatedSince.",
} as const;
type Tag = keyof typeof TAGS;

// Named wrappers, made once so each is one component schema.
const CustomerItem = S.itemResource(S.CustomerResource);
const CustomerPage = S.pageResource(S.CustomerResource);
const InvoiceItem = S.itemResource(S.InvoiceResource);
const InvoicePage = S.pageResource(S.InvoiceResource);
const EstimateItem = S.itemResource(S.EstimateResource);
const EstimatePage = S.pageResource(S.EstimateResource);
const PaymentItem = S.itemResource(S.PaymentResource);
const PaymentPage = S.pageResource(S.PaymentResource);
const BusinessItem = S.itemResource(S.BusinessResource);
const UserItem = S.itemResource(S.UserResource);
const PayLinkItem = S.itemResource(S.PayLinkResource);
const DeletionPage = S.pageResource(S.DeletionResource);
const InvoiceSent = z.object({ data: S.InvoiceResource, payLink: S.PayLinkResource });
const PaymentRecorded = z.object({ data: S.PaymentResource, duplicate: z.boolean().describe("true when this Idempotency-Key had already recorded it.") });
const RefundDone = z.object({ data: S.PaymentResource, refund: S.RefundResource.optional(), duplicate: z.boolean().optional() });
const RefundSent = z.object({ data: S.PaymentResource, refund: S.RefundResource, duplicate: z.boolean() });

/** Single resources answered with an ETag (resourceResponse). */
const WITH_ETAG = new Set<z.ZodType>([CustomerItem, InvoiceItem, EstimateItem, PaymentItem, BusinessItem, UserItem]);

/** Every schema the document names, and its name. An operation using an unnamed schema fails to generate. */
const NAMED: Array<[z.ZodType, string]> = [
  [S.ErrorResource, "Error"],
  [S.LoginBody, "LoginRequest"],
  [S.RefreshBody, "RefreshRequest"],
  [S.ChangePasswordBody, "ChangePasswordRequest"],
  [S.TokenPairResource, "TokenPair"],
  [S.UserResource, "User"],
  [UserItem, "UserResponse"],
  [S.BusinessResource, "Business"],
  [S.BusinessUpdateBody, "BusinessUpdate"],
  [BusinessItem, "BusinessResponse"],
  [S.CustomerResource, "Customer"],
  [S.CustomerCreateBody, "CustomerCreate"],
  [S.CustomerUpdateBody, "CustomerUpdate"],
  [CustomerItem, "CustomerResponse"],
  [CustomerPage, "CustomerPage"],
  [S.InvoiceResource, "Invoice"],
  [S.InvoiceCreateBody, "InvoiceCreate"],
  [S.InvoiceUpdateBody, "InvoiceUpdate"],
  [InvoiceItem, "InvoiceResponse"],
  [InvoicePage, "InvoicePage"],
  [S.SendBody, "SendRequest"],
  [S.EmptyBody, "EmptyRequest"],
  [S.PayLinkResource, "PayLink"],
  [PayLinkItem, "PayLinkResponse"],
  [InvoiceSent, "InvoiceSentResponse"],
  [S.EstimateResource, "Estimate"],
  [S.EstimateCreateBody, "EstimateCreate"],
  [S.EstimateUpdateBody, "EstimateUpdate"],
  [EstimateItem, "EstimateResponse"],
  [EstimatePage, "EstimatePage"],
  [S.PaymentResource, "Payment"],
  [S.PaymentCreateBody, "PaymentCreate"],
  [PaymentItem, "PaymentResponse"],
  [PaymentPage, "PaymentPage"],
  [PaymentRecorded, "PaymentRecordedResponse"],
  [S.RefundBody, "RefundRequest"],
  [S.RefundResource, "Refund"],
  [RefundDone, "RefundDoneResponse"],
  [RefundSent, "RefundSentResponse"],
  [S.DeletionResource, "Deletion"],
  [DeletionPage, "DeletionPage"],
];

export const OPERATIONS: Operation[] = [
  {
    method: "post",
    path: "/auth/login",
    tag: "Auth",
    auth: false,
    rateLimited: true,
    summary: "Sign in with email and password.",
    description:
      "Creates a sign-in for this device (a token family) and returns its first token pair. Limited to 10 attempts per 15 minutes per IP. Wrong credentials are 401 invalid_credentials, the same for an unknown email.",
    body: S.LoginBody,
    responses: { 200: { description: "A token pair for a new device.", schema: S.TokenPairResource } },
    errors: [401],
  },
  {
    method: "post",
    path: "/auth/refresh",
    tag: "Auth",
    auth: false,
    rateLimited: true,
    summary: "Exchange the refresh token for a new pair.",
    description: [
      "Single use. Refresh single-flight in the app. If the response is lost, retry with the same refresh token from the same app",
      `within ${REUSE_GRACE_MS / 1000} seconds: the answer is the same new refresh token again (with a fresh access token). From another app, or once the new token was used, such a retry gets 409 refresh_in_progress and nothing is revoked.`,
      `After ${REUSE_GRACE_MS / 1000} seconds a used token is taken for a stolen copy: 401 refresh_token_reused, and the device's sign-in ends on every copy.`,
      `A refresh token lapses after ${REFRESH_TOKEN_IDLE_MS / 86_400_000} days without use (401 refresh_token_expired).`,
    ].join(" "),
    body: S.RefreshBody,
    responses: { 200: { description: "A new token pair; the old refresh token is spent.", schema: S.TokenPairResource } },
    errors: [401, 409],
  },
  {
    method: "post",
    path: "/auth/logout",
    tag: "Auth",
    summary: "End this device's sign-in.",
    description: "Needs the access token and this device's live refresh token; someone else's refresh token is 403 refresh_token_mismatch and ends nothing.",
    body: S.RefreshBody,
    responses: { 204: { description: "Signed out." } },
    errors: [403],
  },
  {
    method: "post",
    path: "/auth/password",
    tag: "Auth",
    rateLimited: true,
    summary: "Change the password.",
    description: "Ends every web session and every device sign-in of the user, and returns a new pair for this device.",
    body: S.ChangePasswordBody,
    responses: { 200: { description: "A token pair for this device.", schema: S.TokenPairResource } },
  },
  {
    etag: true,
    method: "get",
    path: "/me",
    tag: "Auth",
    summary: "The signed-in user.",
    description: "Who the access token belongs to.",
    responses: { 200: { description: "The user.", schema: UserItem } },
  },
  {
    etag: true,
    method: "get",
    path: "/business",
    tag: "Business",
    summary: "The business profile.",
    description: "The profile, with an ETag for If-None-Match and If-Match.",
    responses: { 200: { description: "The profile.", schema: BusinessItem } },
  },
  {
    method: "patch",
    path: "/business",
    tag: "Business",
    ifMatch: true,
    summary: "Change some fields of the business profile.",
    description:
      "Fields not sent are kept. Invoice and estimate numbers only go up; the currency is fixed once a document exists. A change made at the same moment by another device is 409 conflict: load it again and retry.",
    body: S.BusinessUpdateBody,
    responses: { 200: { description: "The profile.", schema: BusinessItem } },
  },
  {
    method: "get",
    path: "/customers",
    tag: "Customers",
    summary: "List customers by last change.",
    description:
      "Archived customers are left out unless archived=true, and are always included (with archived: true) when updatedSince is sent, so a sync learns about archiving.",
    query: S.CustomerListQuery,
    responses: { 200: { description: "A page.", schema: CustomerPage } },
  },
  {
    method: "post",
    path: "/customers",
    tag: "Customers",
    idempotent: true,
    summary: "Add a customer.",
    description: "Send an Idempotency-Key so a retry adds it once.",
    body: S.CustomerCreateBody,
    responses: { 201: { description: "The customer.", schema: CustomerItem } },
  },
  {
    etag: true,
    method: "get",
    path: "/customers/{customerId}",
    tag: "Customers",
    summary: "One customer.",
    description: "With an ETag.",
    responses: { 200: { description: "The customer.", schema: CustomerItem } },
  },
  {
    method: "patch",
    path: "/customers/{customerId}",
    tag: "Customers",
    ifMatch: true,
    summary: "Change some fields of a customer.",
    description:
      "null clears a field; archived archives or restores. A change made at the same moment by another device is 409 conflict: load it again and retry.",
    body: S.CustomerUpdateBody,
    responses: { 200: { description: "The customer.", schema: CustomerItem } },
  },
  {
    method: "get",
    path: "/invoices",
    tag: "Invoices",
    summary: "List invoices with their lines, by last change.",
    description: "Cursor pages; filter by status or customer.",
    query: S.InvoiceListQuery,
    responses: { 200: { description: "A page.", schema: InvoicePage } },
  },
  {
    method: "post",
    path: "/invoices",
    tag: "Invoices",
    idempotent: true,
    summary: "Create a draft invoice.",
    description: "Takes the business's next invoice number. Send an Idempotency-Key: a retry returns the same invoice and uses no second number.",
    body: S.InvoiceCreateBody,
    responses: { 201: { description: "The invoice.", schema: InvoiceItem } },
  },
  {
    etag: true,
    method: "get",
    path: "/invoices/{invoiceId}",
    tag: "Invoices",
    summary: "One invoice with its lines.",
    description: "With an ETag.",
    responses: { 200: { description: "The invoice.", schema: InvoiceItem } },
  },
  {
    method: "patch",
    path: "/invoices/{invoiceId}",
    tag: "Invoices",
    ifMatch: true,
    summary: "Change some fields of an invoice.",
    description:
      "lines replaces every line. Paid and void invoices cannot change (409); a sent invoice keeps its earlier version as a revision; a total below what was paid is refused (400).",
    body: S.InvoiceUpdateBody,
    responses: { 200: { description: "The invoice.", schema: InvoiceItem } },
  },
  {
    method: "post",
    path: "/invoices/{invoiceId}/send",
    tag: "Invoices",
    summary: "Send the invoice.",
    description:
      "via email: we email the customer the pay link (409 when the customer has no email address). via text: the invoice is marked sent and the app texts the link.",
    body: S.SendBody,
    bodyOptional: true,
    responses: { 200: { description: "The invoice and its pay link.", schema: InvoiceSent } },
    errors: [409],
  },
  {
    method: "post",
    path: "/invoices/{invoiceId}/void",
    tag: "Invoices",
    summary: "Void the invoice.",
    description: "Its pay link stops working. No fields: send no body or {}.",
    body: S.EmptyBody,
    bodyOptional: true,
    responses: { 200: { description: "The invoice.", schema: InvoiceItem } },
    errors: [409],
  },
  {
    method: "get",
    path: "/invoices/{invoiceId}/pay-link",
    tag: "Invoices",
    summary: "The customer's signed pay link.",
    description: `Valid ${LINK_LIFETIME_DAYS} days, with a ready-made text message carrying it. A draft has none yet and a void invoice none any more (409).`,
    responses: { 200: { description: "The link.", schema: PayLinkItem } },
    errors: [409],
  },
  {
    method: "get",
    path: "/invoices/{invoiceId}/payments",
    tag: "Payments",
    summary: "The invoice's payments.",
    description: "Cursor pages by last change.",
    query: S.PaymentListQuery.omit({ invoiceId: true }),
    responses: { 200: { description: "A page.", schema: PaymentPage } },
  },
  {
    method: "post",
    path: "/invoices/{invoiceId}/payments",
    tag: "Payments",
    idempotent: true,
    summary: "Record a payment received by hand.",
    description: [
      "Cash, check or transfer. Send an Idempotency-Key so a retry records it once (200 with duplicate: true); the same key on another invoice or for another payment is 409 idempotency_key_reused.",
      "An amount more than the invoice's total above its balance is refused (400 on confirmOverpayment) unless confirmOverpayment is true.",
      `An invoice cannot take more than ${S.MAX_PAID_CENTS_DOC} minor units in all (400 on amountCents). receivedOn is the day received, at most ${S.MAX_PAYMENT_DAYS_AHEAD_DOC} days ahead. A void invoice takes no payments (409).`,
    ].join(" "),
    body: S.PaymentCreateBody,
    responses: {
      201: { description: "Recorded.", schema: PaymentRecorded },
      200: { description: "Already recorded under this Idempotency-Key.", schema: PaymentRecorded, headers: ["Idempotent-Replayed"] },
    },
  },
  {
    method: "get",
    path: "/estimates",
    tag: "Estimates",
    summary: "List estimates with their lines, by last change.",
    description: "Cursor pages; filter by status or customer.",
    query: S.EstimateListQuery,
    responses: { 200: { description: "A page.", schema: EstimatePage } },
  },
  {
    method: "post",
    path: "/estimates",
    tag: "Estimates",
    idempotent: true,
    summary: "Create a draft estimate.",
    description: "Send an Idempotency-Key: a retry returns the same estimate and uses no second number.",
    body: S.EstimateCreateBody,
    responses: { 201: { description: "The estimate.", schema: EstimateItem } },
  },
  {
    etag: true,
    method: "get",
    path: "/estimates/{estimateId}",
    tag: "Estimates",
    summary: "One estimate.",
    description: "With an ETag.",
    responses: { 200: { description: "The estimate.", schema: EstimateItem } },
  },
  {
    method: "patch",
    path: "/estimates/{estimateId}",
    tag: "Estimates",
    ifMatch: true,
    summary: "Change some fields of an estimate.",
    description: "lines replaces every line. A decided or converted estimate cannot change (409).",
    body: S.EstimateUpdateBody,
    responses: { 200: { description: "The estimate.", schema: EstimateItem } },
  },
  {
    method: "post",
    path: "/estimates/{estimateId}/send",
    tag: "Estimates",
    summary: "Email the customer the estimate.",
    description: "A signed link to approve or decline it. 409 when the customer has no email address or the estimate can no longer be sent.",
    body: S.EmptyBody,
    bodyOptional: true,
    responses: { 200: { description: "The estimate.", schema: EstimateItem } },
    errors: [409],
  },
  {
    method: "post",
    path: "/estimates/{estimateId}/convert",
    tag: "Estimates",
    summary: "Turn an approved estimate into a draft invoice.",
    description: "Once: converting again returns the same invoice (200). An estimate that is not approved is 409. No fields: send no body or {}.",
    body: S.EmptyBody,
    bodyOptional: true,
    responses: { 201: { description: "The new invoice.", schema: InvoiceItem }, 200: { description: "The invoice made earlier.", schema: InvoiceItem } },
    errors: [409],
  },
  {
    method: "get",
    path: "/payments",
    tag: "Payments",
    summary: "Every payment of the business.",
    description: "Manual and online, by last change (refunds, disputes and bank debits settling change a payment).",
    query: S.PaymentListQuery,
    responses: { 200: { description: "A page.", schema: PaymentPage } },
  },
  {
    etag: true,
    method: "get",
    path: "/payments/{paymentId}",
    tag: "Payments",
    summary: "One payment.",
    description: "With an ETag.",
    responses: { 200: { description: "The payment.", schema: PaymentItem } },
  },
  {
    method: "post",
    path: "/payments/{paymentId}/refund",
    tag: "Payments",
    summary: "Refund a payment.",
    description:
      "Manual payments (empty body): recorded as given back, idempotent, the invoice recomputed. Card and PayPal payments: refunded at Stripe or PayPal (amountCents optional: everything still refundable; reason required); send an Idempotency-Key header so a retry refunds once. Answers 202 with the pending refund; the payment's refundedCents changes when the provider confirms. More than is left to refund: 400. The provider failing or not answering: 502/504 with its answer, nothing changed, retry with the same key.",
    body: S.RefundBody,
    bodyOptional: true,
    idempotent: true,
    responses: {
      200: { description: "The manual payment, REFUNDED; or, for a repeated Idempotency-Key, the refund already sent (duplicate: true).", schema: RefundDone },
      202: { description: "Sent to the provider; the payment updates when it confirms.", schema: RefundSent },
    },
    errors: [409, 502, 504],
  },
  {
    method: "get",
    path: "/deletions",
    tag: "Sync",
    summary: "What was deleted since the last sync.",
    description: [
      "Tombstones of deleted customers, invoices, estimates and payments (a draft deleted, a customer erased with their estimates), oldest first.",
      "To sync: page the lists with order=asc&updatedSince=<your last sync time>, then this with since=<the same time>, and drop every id it names.",
      `Tombstones are kept ${DELETION_RETENTION_DAYS} days: an app whose last sync is older than that starts again with a full sync. An erased person's tombstone carries only the id.`,
    ].join(" "),
    query: S.DeletionListQuery,
    responses: { 200: { description: "A page.", schema: DeletionPage } },
  },
];

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid body, parameters or header (codes validation_failed, invalid_json, invalid_body, body_too_large); fields names each problem.",
  401: "Missing, expired or invalid access token, or a sign-in that was ended (unauthorized); for the token endpoints, the refresh_token_* and invalid_credentials codes.",
  403: "Not allowed (forbidden, refresh_token_mismatch).",
  404: "Not found, or another business's id (not_found).",
  409: "Conflicts with the current state: conflict (changed at the same moment by another request: load it again and retry), invoice_not_sent, invoice_void, refresh_in_progress, idempotency_key_reused, idempotency_in_progress (retry after Retry-After).",
  412: "If-Match does not name the current version (precondition_failed).",
  429: "Rate limited (rate_limited); Retry-After says when to try again.",
  402: "Code subscription_required: the account is read-only (Invoice Link trial ended, or the subscription is unpaid or cancelled), so nothing new is created or sent. Reading, exports and payments of existing links still work.",
  500: "A fault on our side (internal_error). Safe to retry with the same Idempotency-Key.",
  502: "A payment provider refused or failed (code provider_error); the message says what it answered. Nothing changed here.",
  504: "A payment provider did not answer in time (code provider_error). Retry with the same Idempotency-Key: it will not act twice.",
};

/** Operations a read-only account may not use (they create or send): these document 402. */
const CREATES_OR_SENDS = /^\/(invoices|estimates)(\/\{\w+\}\/(send|convert))?$/;

/** Every status an operation can answer, from what it is: the document lists them all. */
export function errorStatuses(op: Operation): number[] {
  const statuses = new Set(op.errors ?? []);
  if (op.auth !== false) statuses.add(401);
  if (op.body || op.query || op.idempotent) statuses.add(400);
  if (op.path.includes("{")) statuses.add(404);
  if (op.idempotent || op.method === "patch") statuses.add(409);
  if (op.ifMatch) statuses.add(412);
  if (op.rateLimited) statuses.add(429);
  if (op.method === "post" && CREATES_OR_SENDS.test(op.path)) statuses.add(402);
  statuses.add(500);
  return [...statuses].sort();
}

const strip = ({ $schema: _s, $id: _i, ...rest }: Record<string, unknown>) => rest;

function inlineSchema(schema: z.ZodType) {
  return strip(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>);
}

function componentSchemas() {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of NAMED) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: "input", unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, strip(schema)]));
}

const names = new Map(NAMED);
function ref(schema: z.ZodType) {
  const name = names.get(schema);
  if (!name) throw new Error("openapi: every body and response schema must be named in NAMED");
  return { $ref: `#/components/schemas/${name}` };
}

function queryParameters(query: z.ZodObject) {
  const schema = inlineSchema(query) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: "query", required: schema.required?.includes(name) ?? false, description, schema: rest };
  });
}

const HEADERS = {
  ETag: { description: "A weak validator of the representation; send it back in If-None-Match or If-Match.", schema: { type: "string" } },
  "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 0 } },
  "Idempotent-Replayed": {
    description: "true when this is the stored answer to an earlier request with the same Idempotency-Key.",
    schema: { type: "string", enum: ["true"] },
  },
  "WWW-Authenticate": { description: 'Bearer realm="invoice-link"', schema: { type: "string" } },
};

const PARAMETERS = {
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description: `Makes a retry safe: the same key with the same body answers the first response again (nothing created twice, no number used); with another body, 409 idempotency_key_reused. Keys are kept ${IDEMPOTENCY_RETENTION_HOURS} hours, per business and operation.`,
    schema: { type: "string", pattern: IDEMPOTENCY_KEY_PATTERN.source },
  },
  IfNoneMatch: { name: "If-None-Match", in: "header", required: false, description: "An ETag (or *): 304 when it is current.", schema: { type: "string" } },
  IfMatch: {
    name: "If-Match",
    in: "header",
    required: false,
    description: "The ETag the change is based on (or *): 412 when it is no longer current.",
    schema: { type: "string" },
  },
  CacheBuster: {
    name: "_",
    in: "query",
    required: false,
    description: "A cache-buster some HTTP clients add; accepted and ignored (responses are never cached).",
    schema: { type: "string" },
  },
};

const headerRefs = (names: string[]) => Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));

let cached: unknown = null;

export function openApiDocument() {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters: unknown[] = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string", minLength: 1, maxLength: 64 } })),
      ...(op.query ? queryParameters(op.query) : []),
      ...(op.method === "get" ? [{ $ref: "#/components/parameters/CacheBuster" }] : []),
      ...(op.etag ? [{ $ref: "#/components/parameters/IfNoneMatch" }] : []),
      ...(op.ifMatch ? [{ $ref: "#/components/parameters/IfMatch" }] : []),
      ...(op.idempotent ? [{ $ref: "#/components/parameters/IdempotencyKey" }] : []),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      const headers = [
        ...(op.etag || (response.schema && WITH_ETAG.has(response.schema)) ? ["ETag"] : []),
        ...(response.headers ?? []),
        ...(op.idempotent && status.startsWith("2") ? ["Idempotent-Replayed"] : []),
      ];
      responses[status] = {
        description: response.description,
        ...(headers.length ? { headers: headerRefs([...new Set(headers)]) } : {}),
        ...(response.schema ? { content: { "application/json": { schema: ref(response.schema) } } } : {}),
      };
    }
    if (op.etag) responses[304] = { description: "Not modified: If-None-Match names the current ETag (or is *).", headers: headerRefs(["ETag"]) };
    for (const status of errorStatuses(op)) responses[status] = { $ref: `#/components/responses/E${status}` };
    (paths[`/api/v1${op.path}`] ??= {})[op.method] = {
      tags: [op.tag],
      summary: op.summary,
      description: op.description,
      operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      ...(op.auth === false ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: !op.bodyOptional, content: { "application/json": { schema: ref(op.body) } } } } : {}),
      responses,
    };
  }
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Invoice Link API",
      version: "1",
      summary: "The JSON API of the Invoice Link mobile apps.",
      description: [
        "Sign in at /auth/login, send the access token as `Authorization: Bearer <token>` (the scheme name in any case)",
        `(it lasts ${ACCESS_TOKEN_TTL_SECONDS / 60} minutes), and exchange the refresh token at /auth/refresh for a new pair (see that operation for retries).`,
        "Money is integer minor units of the business currency (`*Cents`); quantities and percentages are decimal strings; dates are YYYY-MM-DD, times ISO 8601 between 1970 and 9999.",
        `Bodies are JSON (Content-Type: application/json), at most ${API_BODY_LIMIT / 1024} KB; unknown fields and unknown or repeated query parameters are refused (400), except the \`_\` cache-buster, which is ignored.`,
        "Every error is `{error: {code, message, fields?}}` with a code from the Error schema's enum. Lists are cursor pages ordered by last change; pass `nextCursor` as `cursor`.",
        "Sync: page each list with order=asc&updatedSince=<last sync>, then GET /deletions?since=<last sync> for what was deleted.",
        "Single resources carry an ETag: If-None-Match answers 304, If-Match on PATCH refuses a lost update (412). Creating POSTs take an Idempotency-Key.",
      ].join(" "),
      contact: { name: "Invoice Link engineering", email: "api@invoicelink.app" },
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: componentSchemas(),
      parameters: PARAMETERS,
      headers: HEADERS,
      responses: Object.fromEntries(
        Object.entries(ERROR_TEXT).map(([status, description]) => [
          `E${status}`,
          {
            description,
            headers: headerRefs(status === "429" || status === "409" ? ["Retry-After"] : status === "401" ? ["WWW-Authenticate"] : []),
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        ]),
      ),
    },
    paths,
  };
  return cached;
}
