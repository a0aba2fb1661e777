// Two Vitest projects (docs/decisions/019-dev-server-and-inner-loop.md):
// - unit: the *.test.ts files beside the code (app/, scripts/). Pure: no database, no set-up file, so
//   `npm run test:unit` and `npx vitest run app/utils/money.test.ts` work on a machine without Postgres.
// - integration: tests/integration, each file on its own database cloned from the migrated template
//   (tests/setup/database.ts), so they need TEST_PG_ADMIN_URL: run them through `npm test` (scripts/test.ts).
// `npm test` runs both; a file path picks its project by where the file lives.
import path from "node:path";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

const alias = { "~": path.resolve(import.meta.dirname, "app") };
const shared = {
  pool: "forks",
  testTimeout: 30_000,
  hookTimeout: 60_000,
  env: { NODE_ENV: "test", LOG_LEVEL: "silent" },
} as const;

const projects: TestProjectInlineConfiguration[] = [
  {
    resolve: { alias },
    test: {
      ...shared,
      name: "unit",
      include: ["app/**/*.test.{ts,tsx}", "scripts/**/*.test.ts"],
      // Modules such as logger.server read the validated env when imported; an address that can never
      // resolve (.invalid, RFC 2606) satisfies it, and a unit test that reaches for the database fails loudly.
      env: { ...shared.env, DATABASE_URL: "postgresql://unit-tests-use-no-database.invalid:5432/none" },
    },
  },
  {
    resolve: { alias },
    test: {
      ...shared,
      name: "integration",
      include: ["tests/integration/**/*.test.ts"],
      setupFiles: ["tests/setup/database.ts", "tests/setup/custom-matchers.ts"],
    },
  },
];

export default defineConfig({
  resolve: { alias },
  test: { projects },
});
