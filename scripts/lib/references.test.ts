// Comments, docs and the README point readers at files ("see docs/decisions/007-...md",
// "app/models/payments/payment.server.ts"). When files move, those pointers go stale silently; this
// test fails instead, naming the file and the path it mentions.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SCAN = ["app", "jobs", "scripts", "tests", "prisma", "docs", "README.md", "server.ts"];
const SKIP = new Set(["node_modules", "generated", "build", ".git"]);
// A path-looking mention: docs/…md, or app|jobs|scripts|tests|prisma/… with a source extension.
const MENTION = /(?<![\w/~.@-])((?:docs|app|jobs|scripts|tests|prisma)\/[A-Za-z0-9_.+$[\]()/-]+?\.(?:md|ts|tsx|mjs|js|sql|prisma))\b/g;

function* sourceFiles(entry: string): Generator<string> {
  const full = path.join(ROOT, entry);
  if (!existsSync(full)) return;
  if (statSync(full).isFile()) {
    yield entry;
    return;
  }
  for (const name of readdirSync(full)) {
    if (SKIP.has(name) || name.startsWith(".")) continue;
    const child = path.join(entry, name);
    if (statSync(path.join(ROOT, child)).isDirectory()) yield* sourceFiles(child);
    else if (/\.(ts|tsx|md|mjs|prisma)$/.test(name)) yield child;
  }
}

describe("file references", () => {
  it("every file path mentioned in code, docs and the README exists", () => {
    const stale: string[] = [];
    for (const file of SCAN.flatMap((entry) => [...sourceFiles(entry)])) {
      if (file === "scripts/lib/references.test.ts") continue;
      for (const match of readFileSync(path.join(ROOT, file), "utf8").matchAll(MENTION)) {
        const mentioned = match[1];
        // Globs and templates ("app/**/*.test.ts", "prisma/migrations/<stamp>_x/migration.sql") are not paths.
        if (/[*<>]/.test(mentioned) || mentioned.includes("{")) continue;
        if (!existsSync(path.join(ROOT, mentioned))) stale.push(`${file}: ${mentioned}`);
      }
    }
    expect(stale).toEqual([]);
  });
});
