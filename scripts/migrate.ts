// npm run db:migrate: applies pending migrations to DATABASE_URL.
import "dotenv/config";
import { applyMigrations } from "./lib/migrations";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set");
  process.exit(1);
}
const applied = await applyMigrations(url, { log: console.log });
console.log(applied.length ? `${applied.length} migration(s) applied` : "database is up to date");
