// The one place that reads process.env. Parsed with zod at boot; production refuses weak secrets.
import { z } from "zod";

const DEV_SECRET = "dev-only-insecure-secret-do-not-use-in-production-0123456789";

/**
 * A rough lower bound on a secret's entropy: length times log2 of the alphabet it appears to use.
 * `openssl rand -base64 32` (44 chars of base64) scores about 264 bits and `openssl rand -hex 32` 256.
 */
function estimateSecretBits(secret: string): number {
  let alphabet = 0;
  if (/^[0-9a-f]+$/i.test(secret)) alphabet = 16;
  else if (/^[A-Za-z0-9+/_=-]+$/.test(secret)) alphabet = 64;
  else alphabet = 94;
  return Math.floor(secret.length * Math.log2(alphabet));
}

const WEAK_WORDS = /(change.?me|secret|password|example|placeholder|insecure|dev-only|test)/i;

/** Returns a reason when the secret is not at least 32 random bytes, otherwise null. */
export function weakSecretReason(secret: string | undefined): string | null {
  if (!secret) return "is missing";
  if (Buffer.byteLength(secret, "utf8") < 32) return "is shorter than 32 bytes";
  if (WEAK_WORDS.test(secret)) return "looks like a placeholder";
  if (new Set(secret).size < 12) return "repeats too few distinct characters to be random";
  if (estimateSecretBits(secret) < 256) return "has less than 256 bits of randomness";
  return null;
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required"),
  APP_URL: optionalString,
  SESSION_SECRET: optionalString,
  PAY_LINK_SECRET: optionalString,
  JWT_SECRET: optionalString,
  TRUST_PROXY: optionalString,
  POSTMARK_SERVER_TOKEN: optionalString,
  POSTMARK_API_URL: optionalString,
  /** Basic-auth credentials Postmark sends with its webhooks (configured on the Postmark webhook URL). */
  POSTMARK_WEBHOOK_USER: optionalString,
  POSTMARK_WEBHOOK_PASSWORD: optionalString,
  /** "outbox" keeps every email in the database (/dev/outbox) instead of sending it: development, CI, staging. */
  EMAIL_TRANSPORT: z.enum(["postmark", "outbox"]).optional(),
  /** Run a graphile-worker inside the web process (default); set false when `npm run worker` runs separately. */
  WORKER_IN_PROCESS: z.enum(["true", "false"]).default("true"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  /** Schedule the crontab's jobs from this worker (default). Tests turn it off and run the tasks themselves. */
  WORKER_CRONTAB: z.enum(["true", "false"]).default("true"),
  EMAIL_FROM: z.string().default("Invoice Link <no-reply@invoicelink.local>"),
  SENTRY_DSN: optionalString,
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_URL: optionalString,
  /**
   * single (default): every card payment lands in this deployment's own Stripe account, as before.
   * connect: each business connects its own Stripe account (docs/decisions/011-connected-accounts.md).
   */
  STRIPE_MODE: z.enum(["single", "connect"]).default("single"),
  /** Connect mode: the signing secret(s) of the Connect webhook endpoint (/webhooks/stripe/connect), a comma list. */
  STRIPE_CONNECT_WEBHOOK_SECRET: optionalString,
  /** Connect mode: the platform fee on each payment in basis points (100 = 1%), rounded down to whole cents. */
  STRIPE_APPLICATION_FEE_BPS: z.coerce.number().int("STRIPE_APPLICATION_FEE_BPS must be a whole number of basis points").min(0).max(10_000).default(0),
  /**
   * Invoice Link's own plans (Stripe Billing on the platform account, docs/decisions/014): recurring Price
   * ids. With neither set the deployment is free (self-hosted mode) and nothing is ever blocked.
   */
  STRIPE_PRICE_MONTHLY: optionalString,
  STRIPE_PRICE_YEARLY: optionalString,
  /** Days of the free trial a new business gets (no card needed). */
  TRIAL_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  PAYPAL_CLIENT_ID: optionalString,
  PAYPAL_CLIENT_SECRET: optionalString,
  PAYPAL_WEBHOOK_ID: optionalString,
  PAYPAL_API_URL: optionalString,
  /**
   * PayPal partner mode (docs/decisions/012-paypal-partner-and-refunds.md): this platform's own PayPal
   * merchant id and its partner attribution (BN) code. With both set, each business connects its own
   * PayPal account and is the payee of its orders; unset, the deployment's own account takes every payment.
   */
  PAYPAL_PARTNER_MERCHANT_ID: optionalString,
  PAYPAL_PARTNER_ATTRIBUTION_ID: optionalString,
  /** How long Stripe and PayPal get to answer one call from the app (milliseconds); tests shorten it. */
  PAYMENTS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Responsible-disclosure contact (/security, security.txt): required in production. An email address or https: URL. */
  SECURITY_CONTACT: optionalString,
  /** Where people send privacy requests (shown on /privacy); SECURITY_CONTACT when unset. An email address or https: URL. */
  PRIVACY_CONTACT: optionalString,
  // Optional integrations (docs/decisions/010-optional-integrations.md): each is off unless its key is set.
  /** Google Places API (New) and Street View Static: address autocomplete and the customer's street photo. */
  GOOGLE_MAPS_API_KEY: optionalString,
  GOOGLE_MAPS_API_URL: optionalString,
  /** Rentcast property records: square feet, beds, baths, year built of a customer's property. */
  RENTCAST_API_KEY: optionalString,
  RENTCAST_API_URL: optionalString,
  /** An OpenAI-compatible chat completions API: quick line items from text, and (with AI_VISION_MODEL) receipts. */
  AI_API_KEY: optionalString,
  AI_API_URL: optionalString,
  AI_MODEL: z.string().trim().min(1).default("gpt-4o-mini"),
  AI_VISION_MODEL: optionalString,
  /** Overrides every provider's request timeout (milliseconds); tests shorten it. */
  INTEGRATIONS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
});

export type Env = Omit<z.infer<typeof EnvSchema>, "SESSION_SECRET" | "PAY_LINK_SECRET" | "JWT_SECRET" | "SECURITY_CONTACT"> & {
  SECURITY_CONTACT: string;
  SESSION_SECRETS: string[];
  PAY_LINK_SECRET: string;
  /** The first signs new API access tokens; every entry verifies (rotation without signing the apps out). */
  JWT_SECRETS: string[];
  APP_URL: string;
  isProduction: boolean;
};

export class EnvError extends Error {
  constructor(public problems: string[]) {
    super(`Invalid environment:\n  - ${problems.join("\n  - ")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const raw = parsed.data;
  const isProduction = raw.NODE_ENV === "production";
  const problems: string[] = [];

  // SESSION_SECRET and JWT_SECRET are comma-separated lists: the first signs, the rest still verify.
  const list = (value: string | undefined) =>
    (value ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const sessionSecrets = list(raw.SESSION_SECRET);
  const jwtSecrets = list(raw.JWT_SECRET);
  const secrets = {
    SESSION_SECRET: sessionSecrets,
    PAY_LINK_SECRET: raw.PAY_LINK_SECRET ? [raw.PAY_LINK_SECRET] : [],
    JWT_SECRET: jwtSecrets,
  };
  if (isProduction) {
    for (const [name, values] of Object.entries(secrets)) {
      if (values.length === 0) problems.push(`${name} is missing (generate one with: npm run secrets:generate)`);
      values.forEach((value, index) => {
        const reason = weakSecretReason(value);
        if (reason) {
          const which = values.length > 1 ? ` (entry ${index + 1})` : "";
          problems.push(`${name}${which} ${reason}; it must be at least 32 random bytes (npm run secrets:generate)`);
        }
      });
    }
    if (!raw.APP_URL) problems.push("APP_URL is missing (the public https:// address used in emailed links)");
    if (!raw.SECURITY_CONTACT || /(\.local|\.invalid|@example\.(com|org|net))\/?$/i.test(raw.SECURITY_CONTACT)) {
      problems.push(
        "SECURITY_CONTACT is missing or a placeholder: set the address that receives vulnerability reports (shown on /security and in security.txt)",
      );
    }
    if (!raw.POSTMARK_SERVER_TOKEN && raw.EMAIL_TRANSPORT !== "outbox") {
      problems.push(
        "POSTMARK_SERVER_TOKEN is missing: production sends email through Postmark (EMAIL_TRANSPORT=outbox keeps it in the database instead, for staging)",
      );
    }
    if (raw.POSTMARK_SERVER_TOKEN && (!raw.POSTMARK_WEBHOOK_USER || !raw.POSTMARK_WEBHOOK_PASSWORD)) {
      problems.push("POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD are required with POSTMARK_SERVER_TOKEN (Basic auth of /webhooks/postmark)");
    } else if (raw.POSTMARK_WEBHOOK_PASSWORD && weakSecretReason(raw.POSTMARK_WEBHOOK_PASSWORD)) {
      problems.push(`POSTMARK_WEBHOOK_PASSWORD ${weakSecretReason(raw.POSTMARK_WEBHOOK_PASSWORD)}; it must be at least 32 random bytes`);
    }
  }
  problems.push(...paymentProblems(raw));
  problems.push(...integrationProblems(raw));
  if (problems.length) throw new EnvError(problems);

  return {
    ...raw,
    isProduction,
    APP_URL: (raw.APP_URL ?? `http://localhost:${raw.PORT || 3000}`).replace(/\/$/, ""),
    SESSION_SECRETS: sessionSecrets.length ? sessionSecrets : [DEV_SECRET],
    PAY_LINK_SECRET: raw.PAY_LINK_SECRET ?? `${DEV_SECRET}-pay`,
    JWT_SECRETS: jwtSecrets.length ? jwtSecrets : [`${DEV_SECRET}-jwt`],
    SECURITY_CONTACT: raw.SECURITY_CONTACT ?? "mailto:security@invoicelink.local",
  };
}

const isLoopback = (host: string) => host === "127.0.0.1" || host === "localhost" || host === "[::1]";

/**
 * Provider API overrides exist for the local fakes in tests/: they may point at the provider's own
 * https hosts or at this machine, never anywhere else (a webhook certificate is only fetched from there).
 */
function providerUrlProblem(name: string, value: string | undefined, domain: string): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} is not a URL`;
  }
  const official = url.protocol === "https:" && (url.hostname === domain || url.hostname.endsWith(`.${domain}`));
  if (!official && !isLoopback(url.hostname)) return `${name} must be an https://*.${domain} address (or a local test fake)`;
  return null;
}

/** The optional integrations' API overrides: the provider's hosts or this machine; an AI API anywhere over https. */
function integrationProblems(raw: z.infer<typeof EnvSchema>): string[] {
  const problems = [
    providerUrlProblem("GOOGLE_MAPS_API_URL", raw.GOOGLE_MAPS_API_URL, "googleapis.com"),
    providerUrlProblem("RENTCAST_API_URL", raw.RENTCAST_API_URL, "rentcast.io"),
  ].filter((p): p is string => p !== null);
  if (raw.AI_API_URL) {
    // OpenAI-compatible APIs live on many hosts (OpenAI, Azure, OpenRouter, a self-hosted model), so any
    // https address is accepted; plain http only on this machine.
    let url: URL | null = null;
    try {
      url = new URL(raw.AI_API_URL);
    } catch {
      problems.push("AI_API_URL is not a URL");
    }
    if (url && url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
      problems.push("AI_API_URL must be an https:// address (or a local test fake)");
    }
  }
  if (raw.AI_VISION_MODEL && !raw.AI_API_KEY) problems.push("AI_VISION_MODEL needs AI_API_KEY");
  return problems;
}

function paymentProblems(raw: z.infer<typeof EnvSchema>): string[] {
  const problems = [
    providerUrlProblem("STRIPE_API_URL", raw.STRIPE_API_URL, "stripe.com"),
    providerUrlProblem("PAYPAL_API_URL", raw.PAYPAL_API_URL, "paypal.com"),
    providerUrlProblem("POSTMARK_API_URL", raw.POSTMARK_API_URL, "postmarkapp.com"),
  ].filter((p): p is string => p !== null);
  if (raw.STRIPE_SECRET_KEY && !/^(sk|rk)_(test|live)_\w+$/.test(raw.STRIPE_SECRET_KEY))
    problems.push("STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_… or rk_…)");
  // A comma-separated list (each entry verifies; see docs/runbooks/secret-rotation.md): every entry a whsec_ secret.
  const webhookSecrets = (raw.STRIPE_WEBHOOK_SECRET ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const connectSecrets = (raw.STRIPE_CONNECT_WEBHOOK_SECRET ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (raw.STRIPE_MODE === "connect") {
    // Connect mode: payments land in each business's connected account and arrive on the Connect endpoint.
    // The platform endpoint stays optional (it still settles payments taken before the switch).
    if (!raw.STRIPE_SECRET_KEY) problems.push("STRIPE_MODE=connect needs STRIPE_SECRET_KEY (the platform account's secret key)");
    if (!connectSecrets.length || !connectSecrets.every((s) => s.startsWith("whsec_"))) {
      problems.push("STRIPE_CONNECT_WEBHOOK_SECRET (whsec_…) is required with STRIPE_MODE=connect: payments are recorded from the verified Connect webhook");
    }
    if (webhookSecrets.length && !webhookSecrets.every((s) => s.startsWith("whsec_"))) problems.push("STRIPE_WEBHOOK_SECRET entries must be whsec_… secrets");
  } else {
    if (raw.STRIPE_SECRET_KEY && (!webhookSecrets.length || !webhookSecrets.every((s) => s.startsWith("whsec_"))))
      problems.push("STRIPE_WEBHOOK_SECRET (whsec_…) is required with STRIPE_SECRET_KEY: payments are recorded from verified webhooks");
    // A Connect setting without Connect mode is a half-done switch: refuse it rather than silently take
    // every payment into the platform's own account.
    if (raw.STRIPE_CONNECT_WEBHOOK_SECRET)
      problems.push("STRIPE_CONNECT_WEBHOOK_SECRET is set but STRIPE_MODE is not connect: set STRIPE_MODE=connect or remove it");
    if (raw.STRIPE_APPLICATION_FEE_BPS > 0)
      problems.push("STRIPE_APPLICATION_FEE_BPS only applies with STRIPE_MODE=connect (a platform fee on connected accounts)");
  }
  for (const name of ["STRIPE_PRICE_MONTHLY", "STRIPE_PRICE_YEARLY"] as const) {
    const price = raw[name];
    if (price && !/^price_\w+$/.test(price)) problems.push(`${name} must be a Stripe Price id (price_…)`);
    if (price && !raw.STRIPE_SECRET_KEY) problems.push(`${name} needs STRIPE_SECRET_KEY: plans are sold through Stripe Billing`);
  }
  const paypal = [raw.PAYPAL_CLIENT_ID, raw.PAYPAL_CLIENT_SECRET, raw.PAYPAL_WEBHOOK_ID];
  if (paypal.some(Boolean) && !paypal.every(Boolean))
    problems.push("PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID go together: set all three or none");
  const partner = [raw.PAYPAL_PARTNER_MERCHANT_ID, raw.PAYPAL_PARTNER_ATTRIBUTION_ID];
  if (partner.some(Boolean) && !partner.every(Boolean))
    problems.push("PAYPAL_PARTNER_MERCHANT_ID and PAYPAL_PARTNER_ATTRIBUTION_ID go together: set both for PayPal partner mode, or neither");
  if (partner.some(Boolean) && !paypal.every(Boolean))
    problems.push("PayPal partner mode needs PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID (the partner app's credentials)");
  return problems;
}

let cached: Env | undefined;

/** The validated environment, parsed once per process. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
