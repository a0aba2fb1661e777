// Prisma CLI configuration. The app itself connects through @prisma/adapter-pg (app/utils/db.server.ts);
// migrations are applied by scripts/migrate.ts (see docs/decisions/001-migrations-without-schema-engine.md).
import "dotenv/config";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "tsx prisma/seed.ts",
  },
  datasource: {
    url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/invoice_link",
  },
});
