// The Chromium that the end-to-end tests drive. `npm test` must keep the README's promise that
// `npm install && npm test` does all the set-up on a fresh machine, so when no browser is there it
// installs one (Debian's chromium through apt-get as root, else Playwright's own download) and, when it
// cannot, stops with one line naming the command to run instead of skipping the e2e tests.
// Every look at the machine goes through `BrowserProbes`, so browser.test.ts covers each branch
// without installing anything.
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** Debian's package puts its browser here; playwright.config.ts uses it unless E2E_CHROMIUM_PATH says otherwise. */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** How the tests and the bench start Chromium here: no sandbox (root, containers), nothing fetched in the background. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export type CommandResult = { status: number; output: string };

export type BrowserProbes = {
  env: Record<string, string | undefined>;
  exists: (file: string) => boolean;
  isRoot: () => boolean;
  /** The text of /etc/os-release, or null when there is none (macOS, Windows). */
  osRelease: () => string | null;
  /** The full path of a command on PATH, or null. */
  which: (command: string) => string | null;
  /** Where Playwright keeps (or would download) its own Chromium for this Playwright version. */
  playwrightChromium: () => string;
  /** Runs a command to completion, capturing its output (shown only when it fails). */
  run: (command: string, args: string[], env?: Record<string, string | undefined>) => Promise<CommandResult>;
  /** The project root, where node_modules is. */
  root: string;
  log: (line: string) => void;
};

type BrowserResolution = { ok: true; path: string; installed: "apt" | "playwright" | null } | { ok: false; message: string };

/** The ID and ID_LIKE words of /etc/os-release, e.g. ["ubuntu", "debian"]. */
export function osFamily(osRelease: string | null): string[] {
  if (!osRelease) return [];
  const words: string[] = [];
  for (const line of osRelease.split("\n")) {
    const match = /^(ID|ID_LIKE)=(.*)$/.exec(line.trim());
    if (match)
      words.push(
        ...match[2]
          .replace(/^["']|["']$/g, "")
          .toLowerCase()
          .split(/\s+/)
          .filter(Boolean),
      );
  }
  return words;
}

/** The end of a command's output, without stack frames: enough to see why it failed. */
function lastLines(text: string, count = 4) {
  const lines = text
    .trim()
    .split("\n")
    .filter((line) => !/^\s+at /.test(line));
  return lines.slice(-count).join("\n");
}

/**
 * Finds the browser for Playwright, installing one when none is there. In order: E2E_CHROMIUM_PATH
 * (an explicit choice: used as is, never replaced), Debian's /usr/bin/chromium, a Chromium that
 * Playwright downloaded before, apt-get (Debian or Ubuntu, as root), Playwright's download.
 */
export async function ensureBrowser(probes: BrowserProbes): Promise<BrowserResolution> {
  const { env, exists, log } = probes;
  const configured = env.E2E_CHROMIUM_PATH;
  if (configured) {
    if (exists(configured)) return { ok: true, path: configured, installed: null };
    return {
      ok: false,
      message: `E2E_CHROMIUM_PATH is ${configured}, which does not exist: point it at a Chromium, or unset it and npm test finds or installs one.`,
    };
  }
  if (exists(DEBIAN_CHROMIUM)) return { ok: true, path: DEBIAN_CHROMIUM, installed: null };
  const playwrightChromium = probes.playwrightChromium();
  if (exists(playwrightChromium)) return { ok: true, path: playwrightChromium, installed: null };

  const family = osFamily(probes.osRelease());
  const debianLike = family.includes("debian") || family.includes("ubuntu");
  const aptGet = debianLike ? probes.which("apt-get") : null;
  if (aptGet && probes.isRoot()) {
    log("no Chromium for the end-to-end tests: installing Debian's chromium (apt-get update && apt-get install -y chromium)");
    const update = await probes.run(aptGet, ["update", "-qq"]);
    const install =
      update.status === 0
        ? await probes.run(aptGet, ["install", "-y", "-qq", "--no-install-recommends", "chromium"], { DEBIAN_FRONTEND: "noninteractive" })
        : update;
    if (install.status === 0 && exists(DEBIAN_CHROMIUM)) return { ok: true, path: DEBIAN_CHROMIUM, installed: "apt" };
    // Ubuntu's "chromium" is a snap wrapper, or the mirror may be unreachable: Playwright's download is next.
    log(`apt-get could not install chromium:\n${lastLines(install.output)}`);
  }

  log("no Chromium for the end-to-end tests: downloading Playwright's Chromium (npx playwright install --no-shell chromium)");
  const cli = path.join(probes.root, "node_modules", "@playwright", "test", "cli.js");
  // PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is for `npm install`; this download is the one we want.
  const download = await probes.run(process.execPath, [cli, "install", "--no-shell", "chromium"], { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: undefined });
  if (download.status === 0 && exists(playwrightChromium)) return { ok: true, path: playwrightChromium, installed: "playwright" };
  if (download.output.trim()) log(`Playwright could not download Chromium:\n${lastLines(download.output)}`);

  const command = debianLike ? "`sudo apt-get install -y chromium`" : "`npx playwright install --with-deps chromium` where it can reach cdn.playwright.dev";
  return {
    ok: false,
    message: `The end-to-end tests need Chromium and npm test could not install it: run ${command} (or set E2E_CHROMIUM_PATH to a Chromium), then npm test again.`,
  };
}

/** The real machine. */
export function systemProbes(log: (line: string) => void, root: string): BrowserProbes {
  return {
    root,
    env: process.env,
    exists: (file) => existsSync(file),
    isRoot: () => typeof process.getuid === "function" && process.getuid() === 0,
    osRelease: () => {
      try {
        return readFileSync("/etc/os-release", "utf8");
      } catch {
        return null;
      }
    },
    which: (command) => {
      for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
        const candidate = path.join(dir, command);
        try {
          accessSync(candidate, constants.X_OK);
          return candidate;
        } catch {
          // not in this folder
        }
      }
      return null;
    },
    playwrightChromium: () => {
      // playwright-core is what @playwright/test runs on; it knows its own browser revision's path.
      const { chromium } = createRequire(import.meta.url)("playwright-core") as typeof import("playwright-core");
      return chromium.executablePath();
    },
    run: (command, args, extraEnv = {}) =>
      new Promise((resolve) => {
        const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
        for (const [key, value] of Object.entries(extraEnv)) if (value === undefined) delete env[key];
        const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        child.on("error", (error) => resolve({ status: 1, output: `${output}${error.message}` }));
        child.on("close", (status) => resolve({ status: status ?? 1, output }));
      }),
    log,
  };
}
