// The Express server in front of Remix: security headers with a per-request CSP nonce, CSRF origin
// checks, body size caps, request logs without secrets, and static assets with long caching.
import "dotenv/config";
import { randomBytes } from "node:crypto";
import { watch } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import expressStaticGzip from "express-static-gzip";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import { EnvError, parseEnv, type Env } from "./app/utils/env.server";
import { COMPRESSION_THRESHOLD_BYTES, FAST_BROTLI, FAST_GZIP } from "./app/utils/compress.server";
import { projectRoot } from "./app/utils/project-root.server";
import { nodeWebhookRequest, type WebhookReply, type WebhookRequest } from "./app/utils/webhook.server";

let config: Env;
try {
  config = parseEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(`Invoice Link refuses to start.\n${error.message}`);
    process.exit(1);
  }
  throw error;
}

const { logger, redactUrl } = await import("./app/utils/logger.server");
const { initSentry } = await import("./app/utils/sentry.server");
await initSentry(config.SENTRY_DSN, config.NODE_ENV);

// The project folder: this file runs from it (tsx server.ts) or compiled into build/ (node build/server.js).
const root = projectRoot(path.dirname(fileURLToPath(import.meta.url)));
// BUILD_DIR: where `remix build` wrote the server bundle and, under public/, the browser assets.
const buildDir = process.env.BUILD_DIR ? path.resolve(root, process.env.BUILD_DIR) : path.join(root, "build");
// Set only by `remix dev` (npm run dev, scripts/dev.ts): the dev server's address, for live reload. Not
// NODE_ENV: `npm start` outside production serves a production build with NODE_ENV=development.
const devOrigin = process.env.REMIX_DEV_ORIGIN ? new URL(process.env.REMIX_DEV_ORIGIN) : null;
const FORM_BODY_LIMIT = 64 * 1024;
const MULTIPART_BODY_LIMIT = 6 * 1024 * 1024;
// A job photo may be 10 MB (issue 14): its upload route alone takes a larger body, and caps the file part itself.
const PHOTO_BODY_LIMIT = 11 * 1024 * 1024;
const PHOTO_UPLOAD_PATH = /^\/(invoices|estimates)\/[^/]+\/photos$/;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Machine-to-machine endpoints authenticate each request themselves and carry no cookies.
const isMachineRoute = (p: string) => p.startsWith("/webhooks/") || p.startsWith("/api/");

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (!value || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // e.g. "loopback" or "10.0.0.0/8, 192.168.1.5"
}

function plainError(res: Response, status: number, message: string) {
  res.status(status).type("text/plain").send(message);
}

/**
 * Cross-site request forgery guard: state-changing requests must come from our own origin.
 * Browsers send Sec-Fetch-Site and Origin on POST; a cross-site or mismatched value is refused.
 * See docs/decisions/003-csrf.md.
 */
function csrfGuard(allowedOrigins: Set<string>) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || isMachineRoute(req.path)) return next();
    const site = req.get("sec-fetch-site");
    if (site && site !== "same-origin" && site !== "none") {
      return plainError(res, 403, "Forbidden: cross-site form submissions are not accepted.");
    }
    const origin = req.get("origin");
    if (origin) {
      const own = `${req.protocol}://${req.get("host")}`;
      if (origin !== own && !allowedOrigins.has(origin)) {
        return plainError(res, 403, "Forbidden: this form was not submitted from Invoice Link.");
      }
      // Remix refuses a page's form post whose Origin is not the host it was sent to (X-Forwarded-Host, else
      // Host) by throwing, which is a 500; the same rule answers 403 here, saying what to fix.
      const host = req.get("x-forwarded-host")?.split(",")[0]?.trim() || req.get("host");
      const dataRequest = new URL(req.originalUrl, "http://internal").searchParams.has("_data");
      if (!dataRequest && new URL(origin).host !== host) {
        return plainError(res, 403, "Forbidden: this form's Origin does not match the host it was sent to (a proxy must pass Host or X-Forwarded-Host on).");
      }
    }
    next();
  };
}

/** Caps request bodies before Remix reads them; Node itself stops reading at Content-Length. */
function bodyLimit(req: Request, res: Response, next: NextFunction) {
  if (SAFE_METHODS.has(req.method) || isMachineRoute(req.path)) return next();
  const length = req.get("content-length");
  if (length === undefined) {
    if (req.get("transfer-encoding")) return plainError(res, 411, "Length Required: send a Content-Length header.");
    return next();
  }
  const multipart = (req.get("content-type") ?? "").startsWith("multipart/form-data");
  const limit = multipart ? (PHOTO_UPLOAD_PATH.test(req.path) ? PHOTO_BODY_LIMIT : MULTIPART_BODY_LIMIT) : FORM_BODY_LIMIT;
  if (!/^\d+$/.test(length) || Number(length) > limit) {
    return plainError(res, 413, `Payload Too Large: forms are limited to ${Math.round(limit / 1024)} KB.`);
  }
  next();
}

const FORM_CONTENT_TYPE = /^\s*(application\/x-www-form-urlencoded\s*(;|$)|multipart\/form-data\s*;.*\bboundary=)/i;

/** Browser forms send urlencoded or multipart bodies; anything else is refused before Remix tries to parse it. */
function formContentType(req: Request, res: Response, next: NextFunction) {
  if (SAFE_METHODS.has(req.method) || isMachineRoute(req.path)) return next();
  const type = req.get("content-type");
  const hasBody = req.get("transfer-encoding") !== undefined || Number(req.get("content-length") ?? 0) > 0;
  if ((!type && !hasBody) || (type && FORM_CONTENT_TYPE.test(type))) return next();
  return plainError(res, 415, "Unsupported Media Type: send forms as application/x-www-form-urlencoded or multipart/form-data.");
}

// Hosted checkout pages the pay form may redirect to. A configured API override (the local fakes in
// tests) also serves its own checkout page, so its origin is allowed too.
const paymentOrigins = [
  "https://checkout.stripe.com",
  // Settings → Subscription: Manage billing opens Stripe's Customer Portal.
  "https://billing.stripe.com",
  "https://www.paypal.com",
  "https://www.sandbox.paypal.com",
  ...[config.STRIPE_API_URL, config.PAYPAL_API_URL].filter((u): u is string => Boolean(u)).map((u) => new URL(u).origin),
];

/** `build` is a function in development, so that each request uses the latest rebuild. */
async function createApp(build: ServerBuild | (() => Promise<ServerBuild>)) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", parseTrustProxy(config.TRUST_PROXY));

  // A 404 is what scanners produce by the thousand (/.env, /.git/config): info, so they cannot flood warn and error.
  const logLevel = (status: number, failed = false) => (failed || status >= 500 ? "error" : status >= 400 && status !== 404 ? "warn" : "info");
  let lastRequestId = 0;
  const nextRequestId = () => (lastRequestId = (lastRequestId + 1) & 0x7fffffff);
  const requestLog = pinoHttp({
    logger,
    quietReqLogger: true,
    genReqId: (req) => req.id ?? nextRequestId(),
    customLogLevel: (_req, res, err) => logLevel(res.statusCode, Boolean(err)),
    // A page sent again from app/web/page-cache.server.ts says so in its log line.
    customSuccessObject: (_req, res, line) => ((res as Response).locals?.keptPage ? { ...line, keptPage: true } : line),
    serializers: {
      // Only what is needed to follow a request: never headers (cookies, authorization) or bodies.
      req: (req) => ({ method: req.method, url: redactUrl(req.url), ip: req.remoteAddress }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
  });

  // Provider webhooks first, straight from Express: they need the request log and nothing else of the
  // page middleware (no CSP nonce, security headers, compression, CSRF or form checks: a machine sends a
  // signed body and reads a status), so a payment burst pays for none of it, nor for Remix's Fetch Request
  // and route matching. The handlers (app/web/webhooks.server.ts) come from the Remix build, which
  // entry.server.tsx re-exports them from, so the process holds one copy of the app. Paths without a
  // handler fall through to the rest of the stack (Remix answers them 404).
  // What server.ts answers itself comes from the build's entry module (re-exported by entry.server.tsx).
  const entryModule = async () =>
    (typeof build === "function" ? await build() : build).entry.module as {
      webhookHandlers?: Record<string, (request: WebhookRequest) => Promise<WebhookReply>>;
      sendKeptPage?: (req: Request, res: Response) => Promise<boolean>;
      KEPT_PAGE_PATHS?: string[];
    };
  // A webhook's request log is one line written here, with the fields of pino-http's (reqId, req, res,
  // responseTime) and what the handler did (the reply's `log`): not pino-http's two child loggers and
  // response listeners, nor a second line from the handler (decision 025).
  app.all("/webhooks/*", (req, res, next) => {
    void (async () => {
      const handler = (await entryModule()).webhookHandlers?.[req.path.length > 1 && req.path.endsWith("/") ? req.path.slice(0, -1) : req.path];
      if (!handler) return next();
      const started = Date.now();
      const reqId = nextRequestId();
      const reply = await handler(nodeWebhookRequest(req, `${req.protocol}://${req.get("host")}${req.originalUrl}`));
      res.statusCode = reply.status;
      for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
      if (!res.hasHeader("Content-Type")) res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.setHeader("X-Content-Type-Options", "nosniff");
      res.end(reply.body);
      const line = {
        reqId,
        req: { method: req.method, url: redactUrl(req.originalUrl), ip: req.socket.remoteAddress },
        res: { statusCode: reply.status },
        responseTime: Date.now() - started,
        ...reply.log,
      };
      const level = logLevel(reply.status);
      if (level === "error") logger.error({ ...line, err: { message: `failed with status code ${reply.status}` } }, "request errored");
      else logger[level](line, "request completed");
    })().catch(next);
  });

  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          "default-src": ["'self'"],
          "script-src": ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`, "'strict-dynamic'"],
          "style-src": ["'self'"],
          "img-src": ["'self'", "data:"],
          "font-src": ["'self'"],
          // In development <LiveReload> opens a WebSocket to the `remix dev` server.
          "connect-src": ["'self'", ...(devOrigin ? [`${devOrigin.protocol === "https:" ? "wss" : "ws"}://${devOrigin.host}`] : [])],
          // The pay form redirects to the provider's hosted checkout; Chrome applies form-action to that redirect.
          "form-action": ["'self'", ...paymentOrigins],
          "frame-ancestors": ["'none'"],
          "base-uri": ["'self'"],
          "object-src": ["'none'"],
          ...(config.isProduction ? { "upgrade-insecure-requests": [] } : {}),
        },
      },
      strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true, preload: false },
      frameguard: { action: "deny" },
      referrerPolicy: { policy: "same-origin" },
      crossOriginEmbedderPolicy: false,
    }),
  );
  // Responses under 1 KB (/ping, redirects, small JSON) go out as they are: answers reach compression whole
  // (patches/@remix-run+express, decision 023), so it knows their size. Pages arrive already compressed
  // (app/entry.server.tsx, app/utils/compress.server.ts), which compression leaves alone. Other answers and
  // downloads made per request use the same fast settings as pages (brotli 1, gzip 1).
  const answerCompression = compression({ threshold: COMPRESSION_THRESHOLD_BYTES, ...FAST_GZIP, brotli: FAST_BROTLI });
  // Scripts and styles of the build go out precompressed (below); public files, and any build file without a
  // precompressed copy (a dev build), keep the default levels (brotli 4, gzip 6).
  const assetCompression = compression({ threshold: COMPRESSION_THRESHOLD_BYTES });
  // Only a path whose last segment has a dot can name a file in public/ (favicon.svg).
  const namesFile = (p: string) => /\.[^/]*$/.test(p);
  const isAsset = (p: string) => p.startsWith("/build/") || namesFile(p);
  app.use((req, res, next) => (isAsset(req.path) ? assetCompression : answerCompression)(req, res, next));

  // Hashed build assets never change: cache them for a year. Other public files for an hour. The build's
  // scripts and styles have `.br` (brotli 11) and `.gz` (zopfli) copies made at build time
  // (scripts/lib/precompress.ts, decision 026): a browser gets the smallest one it accepts, with
  // `Vary: Accept-Encoding`, and compression leaves an answer that already has a Content-Encoding alone.
  app.use(
    "/build",
    expressStaticGzip(path.join(buildDir, "public"), {
      enableBrotli: true,
      orderPreference: ["br"],
      index: false,
      serveStatic: { immutable: true, maxAge: "1y" },
    }),
  );
  // Pages skip the file-system stat that express.static makes for every request it sees.
  const publicFiles = express.static(path.join(root, "public"), { maxAge: "1h" });
  app.use((req, res, next) => (namesFile(req.path) ? publicFiles(req, res, next) : next()));

  app.use(requestLog);

  const allowedOrigins = new Set([new URL(config.APP_URL).origin]);
  app.use(csrfGuard(allowedOrigins));
  app.use(bodyLimit);
  app.use(formContentType);
  // Dynamic responses are private and uncached unless the route sets its own Cache-Control (the Remix
  // adapter appends headers, so setting a default up front would merge with, not yield to, the route's).
  app.use((_req, res, next) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: Parameters<Response["writeHead"]>) {
      if (!this.hasHeader("Cache-Control")) this.setHeader("Cache-Control", "private, no-store");
      return writeHead.apply(this, args);
    } as Response["writeHead"];
    next();
  });

  // A customer's repeat view of a pay link, and a contractor's of the dashboard or a list: the page rendered
  // before, when nothing on it has changed since (app/web/page-cache.server.ts checks that in Postgres on every
  // request), after the same middleware as any page and without Remix's render. Anything else, and any doubt,
  // goes on to Remix.
  // The paths are the page cache's own list, read from the build once.
  const keptPagePaths = (await entryModule()).KEPT_PAGE_PATHS;
  if (keptPagePaths?.length) {
    app.get(keptPagePaths, (req, res, next) => {
      void (async () => {
        const send = (await entryModule()).sendKeptPage;
        if (!send || !(await send(req, res))) next();
      })().catch(next);
    });
  }

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.NODE_ENV,
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
        sessionPageRender: res.locals.sessionPageRender as AppLoadContext["sessionPageRender"],
      }),
    }),
  );
  return app;
}

const buildFile = path.join(buildDir, "index.js");
let build = (await import(buildFile)) as ServerBuild;
const app = await createApp(devOrigin ? async () => build : build);
const server = app.listen(config.PORT, config.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  logger.info({ port }, `Invoice Link listening on http://localhost:${port}`);
  console.log(`Invoice Link listening on http://localhost:${port}`);
  if (devOrigin) broadcastDevReady(build).catch((error) => console.error("could not reach the remix dev server", error));
});

// `remix dev --manual`: the compiler writes version.txt after each rebuild; load the new build (a fresh
// module URL, as Node caches modules by URL) and tell the dev server, which then live-reloads the browser.
if (devOrigin) {
  let reloading = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(async () => {
      try {
        build = (await import(`${pathToFileURL(buildFile).href}?t=${Date.now()}`)) as ServerBuild;
        await broadcastDevReady(build);
      } catch (error) {
        console.error("could not load the new build", error);
      }
    });
  };
  let timer: NodeJS.Timeout | undefined;
  watch(buildDir, (_event, file) => {
    if (file !== "version.txt") return;
    clearTimeout(timer);
    timer = setTimeout(reload, 50);
  }).unref();
}

// One job worker inside the web process unless WORKER_IN_PROCESS=false (then run `npm run worker`).
let worker: { stop: () => Promise<void> } | null = null;
let stopping = false;

function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  setTimeout(() => process.exit(0), 5_000).unref();
  server.close();
  void (worker ? worker.stop() : Promise.resolve()).finally(() => process.exit(0));
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

// The worker's own Prisma pool: sized for its concurrency (a batch job sends several emails at once).
process.env.DATABASE_POOL_SIZE ??= String(Math.max(10, config.WORKER_CONCURRENCY * 3));
if (config.WORKER_IN_PROCESS === "true") {
  const started = await (await import("./jobs/worker")).startWorker();
  // A signal during start-up: stop the worker that just started too.
  if (stopping) await started.stop();
  else worker = started;
}
