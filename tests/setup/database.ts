// Vitest setup file: each test file gets its own database cloned from the migrated template, and
// DATABASE_URL points at it before any app module (and so Prisma) is imported.
import { cloneTemplate } from "../../scripts/lib/test-database";

const adminUrl = process.env.TEST_PG_ADMIN_URL;
if (!adminUrl) throw new Error("TEST_PG_ADMIN_URL is not set: run the tests with `npm test` (scripts/test.ts)");

const name = `invoice_link_test_${process.env.TEST_RUN_ID ?? "adhoc"}_${process.env.VITEST_POOL_ID ?? "0"}_${process.pid}`;
process.env.DATABASE_URL = await cloneTemplate(adminUrl, name);
process.env.TEST_DATABASE_NAME = name;
