// How `npm test` finds or installs the Chromium for the end-to-end tests, on a pretend machine:
// nothing here reads the real disk, runs apt-get or downloads a browser.
import { describe, expect, it } from "vitest";
import { DEBIAN_CHROMIUM, ensureBrowser, osFamily, type BrowserProbes, type CommandResult } from "./browser";

const PLAYWRIGHT_CHROMIUM = "/home/dev/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome";
const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\n';

type Machine = {
  env?: Record<string, string | undefined>;
  files?: string[];
  root?: boolean;
  osRelease?: string | null;
  aptGet?: boolean;
  /** What each command does: its result, and the files it leaves behind. */
  commands?: Record<string, { result: CommandResult; creates?: string }>;
};

function pretend(machine: Machine) {
  const files = new Set(machine.files ?? []);
  const ran: string[] = [];
  const lines: string[] = [];
  const probes: BrowserProbes = {
    env: machine.env ?? {},
    root: "/repo",
    exists: (file) => files.has(file),
    isRoot: () => machine.root ?? false,
    osRelease: () => (machine.osRelease === undefined ? DEBIAN : machine.osRelease),
    which: (command) => (command === "apt-get" && machine.aptGet !== false ? "/usr/bin/apt-get" : null),
    playwrightChromium: () => PLAYWRIGHT_CHROMIUM,
    run: async (command, args) => {
      const line = [command === process.execPath ? "node" : command, ...args].join(" ");
      ran.push(line);
      const key = Object.keys(machine.commands ?? {}).find((k) => line.includes(k));
      if (!key) return { status: 1, output: `not on this machine: ${line}` };
      const { result, creates } = machine.commands![key];
      if (result.status === 0 && creates) files.add(creates);
      return result;
    },
    log: (line) => lines.push(line),
  };
  return { probes, ran, lines };
}

const ok = (output = ""): CommandResult => ({ status: 0, output });
const failed = (output: string): CommandResult => ({ status: 100, output });

describe("ensureBrowser", () => {
  it("uses Debian's chromium when it is there, and installs nothing", async () => {
    const { probes, ran, lines } = pretend({ files: [DEBIAN_CHROMIUM], root: true });
    expect(await ensureBrowser(probes)).toEqual({ ok: true, path: DEBIAN_CHROMIUM, installed: null });
    expect(ran).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("uses E2E_CHROMIUM_PATH when it exists, and refuses to replace it when it does not", async () => {
    const found = pretend({ env: { E2E_CHROMIUM_PATH: "/opt/chrome/chrome" }, files: ["/opt/chrome/chrome"] });
    expect(await ensureBrowser(found.probes)).toEqual({ ok: true, path: "/opt/chrome/chrome", installed: null });

    const missing = pretend({ env: { E2E_CHROMIUM_PATH: "/opt/chrome/chrome" }, root: true, files: [DEBIAN_CHROMIUM] });
    const result = await ensureBrowser(missing.probes);
    expect(result).toEqual({ ok: false, message: expect.stringContaining("E2E_CHROMIUM_PATH is /opt/chrome/chrome, which does not exist") });
    expect(missing.ran).toEqual([]);
  });

  it("uses a Chromium that Playwright downloaded before", async () => {
    const { probes, ran } = pretend({ files: [PLAYWRIGHT_CHROMIUM], osRelease: FEDORA });
    expect(await ensureBrowser(probes)).toEqual({ ok: true, path: PLAYWRIGHT_CHROMIUM, installed: null });
    expect(ran).toEqual([]);
  });

  it("installs Debian's chromium with apt-get as root on Debian, saying so in one line", async () => {
    const { probes, ran, lines } = pretend({
      root: true,
      commands: { "apt-get update": { result: ok() }, "apt-get install": { result: ok("lots of apt output"), creates: DEBIAN_CHROMIUM } },
    });
    expect(await ensureBrowser(probes)).toEqual({ ok: true, path: DEBIAN_CHROMIUM, installed: "apt" });
    expect(ran).toEqual(["/usr/bin/apt-get update -qq", "/usr/bin/apt-get install -y -qq --no-install-recommends chromium"]);
    expect(lines).toEqual(["no Chromium for the end-to-end tests: installing Debian's chromium (apt-get update && apt-get install -y chromium)"]);
  });

  it("falls back to Playwright's download when apt-get cannot install chromium (Ubuntu's is a snap)", async () => {
    const { probes, ran } = pretend({
      root: true,
      osRelease: UBUNTU,
      commands: {
        "apt-get update": { result: ok() },
        "apt-get install": { result: ok() }, // installs the snap wrapper, never /usr/bin/chromium
        playwright: { result: ok(), creates: PLAYWRIGHT_CHROMIUM },
      },
    });
    expect(await ensureBrowser(probes)).toEqual({ ok: true, path: PLAYWRIGHT_CHROMIUM, installed: "playwright" });
    expect(ran.at(-1)).toBe("node /repo/node_modules/@playwright/test/cli.js install --no-shell chromium");
  });

  it("downloads Playwright's Chromium when not root, or where there is no apt-get", async () => {
    for (const machine of [{ root: false }, { root: true, osRelease: FEDORA }, { root: true, aptGet: false }, { root: false, osRelease: null }]) {
      const { probes, ran, lines } = pretend({ ...machine, commands: { playwright: { result: ok(), creates: PLAYWRIGHT_CHROMIUM } } });
      expect(await ensureBrowser(probes)).toEqual({ ok: true, path: PLAYWRIGHT_CHROMIUM, installed: "playwright" });
      expect(ran.some((line) => line.includes("apt-get"))).toBe(false);
      expect(lines).toEqual([expect.stringContaining("downloading Playwright's Chromium")]);
    }
  });

  it("stops with one line naming the command to run when neither can install it", async () => {
    const offline = { playwright: { result: failed("Error: Failed to download Chrome for Testing\nError: Download failure, code=1") } };

    const debianUser = pretend({ root: false, commands: offline });
    const result = await ensureBrowser(debianUser.probes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).not.toContain("\n");
    expect(result.message).toContain("`sudo apt-get install -y chromium`");
    expect(debianUser.lines.at(-1)).toContain("Download failure");

    const debianRootOffline = pretend({ root: true, commands: { "apt-get update": { result: failed("E: could not resolve deb.debian.org") }, ...offline } });
    const rootResult = await ensureBrowser(debianRootOffline.probes);
    expect(rootResult).toEqual({ ok: false, message: expect.stringContaining("`sudo apt-get install -y chromium`") });
    expect(debianRootOffline.ran.filter((line) => line.includes("apt-get install"))).toEqual([]);

    const mac = await ensureBrowser(pretend({ osRelease: null, commands: offline }).probes);
    expect(mac).toEqual({ ok: false, message: expect.stringContaining("`npx playwright install --with-deps chromium`") });
  });
});

describe("osFamily", () => {
  it("reads ID and ID_LIKE, quoted or not", () => {
    expect(osFamily(DEBIAN)).toEqual(["debian"]);
    expect(osFamily(UBUNTU)).toEqual(["ubuntu", "debian"]);
    expect(osFamily('ID="linuxmint"\nID_LIKE="ubuntu debian"\n')).toEqual(["linuxmint", "ubuntu", "debian"]);
    expect(osFamily(null)).toEqual([]);
  });
});
