// Starts the real production server (server.ts + the Remix build) as a child process for HTTP tests,
// either bare (startServer) or with secrets the test knows (startAppServer) so it can sign session
// cookies and customer links.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { existsSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export const strongSecret = () => randomBytes(32).toString("base64url");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export type TestServer = {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
};

/** Environment a production server needs; override any of it with `env`. */
export function productionEnv(port: number, env: Record<string, string | undefined> = {}) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: process.env.DATABASE_URL,
    SESSION_SECRET: strongSecret(),
    PAY_LINK_SECRET: strongSecret(),
    JWT_SECRET: strongSecret(),
    SECURITY_CONTACT: "mailto:security@invoice-link-tests.dev",
    LOG_LEVEL: "info",
    BUILD_DIR: process.env.BUILD_DIR,
    // Emails stay in the database (dev outbox) unless a test points POSTMARK_* at the Postmark fake.
    EMAIL_TRANSPORT: "outbox",
    // The server's worker sends email, but a cron tick mid-test must not add reminders to a test's data.
    WORKER_CRONTAB: "false",
    ...env,
  };
}

/** How long a server may take to boot: tsx + Sentry + Prisma + the Remix build is slow on a busy 2-core machine. */
export const START_TIMEOUT_MS = Number(process.env.TEST_SERVER_START_TIMEOUT_MS ?? 120_000);

/** The compiled server of the test run's build (as production runs it), or server.ts from source when a test file runs alone without a build. */
export function serverCommand(buildDir = process.env.BUILD_DIR): string[] {
  const compiled = buildDir ? path.resolve(ROOT, buildDir, "server.js") : undefined;
  return compiled && existsSync(compiled) ? [compiled] : ["--import", "tsx", path.join(ROOT, "server.ts")];
}

/**
 * Resolves once `child` has printed `marker` (on stdout or stderr); rejects when it exits first, or has
 * not printed it within `timeoutMs`, with what it printed. It listens only until then, so a child that
 * logs a lot afterwards keeps no copy here. `name` says which child in the error.
 */
export function waitForOutput(child: ChildProcess, marker: string, timeoutMs: number, name = "the process"): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer | string) => {
      seen += chunk.toString();
      if (seen.includes(marker)) finish();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(new Error(`${name} exited with ${code ?? signal} before printing "${marker}":\n${seen}`));
    const timer = setTimeout(() => finish(new Error(`${name} did not print "${marker}" in ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Spawns server.ts; resolves once it listens, rejects (killing it) if it exits first or never listens. */
export async function startServer(
  options: {
    env?: Record<string, string | undefined>;
    port?: number;
    timeoutMs?: number;
    /** Node flags, e.g. --cpu-prof (the bench). */ nodeArgs?: string[];
    /**
     * Keep only this many characters of the server's output (the latest). The bench's server logs a line per
     * request, hundreds of thousands in a run: all of it kept made the bench itself slower as the run went on.
     */
    outputTail?: number;
  } = {},
): Promise<TestServer> {
  const port = options.port ?? (await freePort());
  const timeoutMs = options.timeoutMs ?? START_TIMEOUT_MS;
  const env = Object.fromEntries(Object.entries(productionEnv(port, options.env)).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...serverCommand()], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const tail = options.outputTail;
  const keep = (d: Buffer) => {
    output += d.toString("utf8");
    // Cut once it is twice the tail: a copy per `tail` characters read, not per chunk.
    if (tail && output.length > 2 * tail) output = output.slice(-tail);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  try {
    await waitForOutput(child, "listening on", timeoutMs, "server");
  } catch (error) {
    if (child.exitCode === null) child.kill("SIGKILL");
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Runs server.ts to completion (for boot failures); resolves with its exit code and output. */
export function runServerExpectingExit(env: Record<string, string | undefined>, timeoutMs = 20_000) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server.ts")], { cwd: ROOT, env: clean, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not exit:\n${output}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Generous limits: these files spawn a production server and run bursts of concurrent transactions. */
export const SLOW_TEST_TIMEOUT = 120_000;

export type AppServer = TestServer & { sessionSecret: string; payLinkSecret: string };

/**
 * The production server (server.ts + the Remix build) with secrets the test knows, so it can sign
 * session cookies and customer links.
 */
export async function startAppServer(env: Record<string, string | undefined> = {}): Promise<AppServer> {
  const sessionSecret = strongSecret();
  const payLinkSecret = strongSecret();
  const server = await startServer({ env: { SESSION_SECRET: sessionSecret, PAY_LINK_SECRET: payLinkSecret, LOG_LEVEL: "warn", ...env } });
  // The first rendered page pays for loading the route modules; pay it here, not in the first test.
  await fetch(`${server.url}/login`).then((r) => r.text());
  return { ...server, sessionSecret, payLinkSecret };
}
