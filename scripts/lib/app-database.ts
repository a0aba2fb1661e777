// The database set-up `npm start` and `npm run dev` share: DATABASE_URL when set, otherwise an embedded
// Postgres in .data/postgres (port EMBEDDED_PG_PORT, default 54329); then the migrations, and outside
// production the demo contractor, whose login is printed.
import { ensureDatabaseExists, startEmbeddedPostgres, withDatabaseName, type Database } from "./database";
import { applyMigrations } from "./migrations";

/** Sets process.env.DATABASE_URL to a migrated (and, outside production, seeded) database. */
export async function prepareAppDatabase(log: (line: string) => void): Promise<{ embedded?: Database }> {
  let embedded: Database | undefined;
  if (!process.env.DATABASE_URL) {
    const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
    log(`DATABASE_URL is not set: starting embedded Postgres on port ${port}`);
    embedded = await startEmbeddedPostgres("postgres", port, log);
    process.env.DATABASE_URL = withDatabaseName(embedded.url, "invoice_link");
  }
  const databaseUrl = process.env.DATABASE_URL!;
  await ensureDatabaseExists(databaseUrl).catch((error) => log(`could not check the database exists: ${error.message}`));
  const applied = await applyMigrations(databaseUrl, { log });
  log(applied.length ? `${applied.length} migration(s) applied` : "database schema is up to date");

  if (process.env.NODE_ENV !== "production") {
    const { seedDemo } = await import("../../prisma/seed");
    const demo = await seedDemo();
    log(`demo login: ${demo.email} / ${demo.password}`);
  }
  return { embedded };
}
