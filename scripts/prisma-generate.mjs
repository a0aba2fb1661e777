// `prisma generate` needs no engine binary, but the CLI checks that a schema-engine path exists.
// Offline machines cannot download one, so point it at a placeholder file (it is never executed).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const dir = join("node_modules", ".cache", "prisma-placeholder");
  const file = join(dir, "schema-engine");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, "#!/bin/sh\necho 'placeholder: see docs/decisions/001' >&2\nexit 1\n", { mode: 0o755 });
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = file;
}
execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], { stdio: "inherit", env });
