// Test data written straight to the test database (no HTTP round trips).
import { randomBytes } from "node:crypto";
import bcrypt from "bcrypt";

// bcrypt at cost 12 takes ~250 ms; hash each distinct password once per test file.
const hashes = new Map<string, Promise<string>>();
function hashFor(password: string) {
  if (!hashes.has(password)) hashes.set(password, bcrypt.hash(password, 12));
  return hashes.get(password)!;
}

export const DEFAULT_PASSWORD = "correct horse battery";

export function uniqueEmail(prefix = "user") {
  return `${prefix}-${randomBytes(6).toString("hex")}@example.com`;
}

export async function createUser(overrides: { email?: string; password?: string; businessName?: string; name?: string } = {}) {
  const { prisma } = await import("~/utils/db.server");
  const password = overrides.password ?? DEFAULT_PASSWORD;
  const email = (overrides.email ?? uniqueEmail()).toLowerCase();
  const business = await prisma.business.create({ data: { name: overrides.businessName ?? "Test Plumbing" } });
  const user = await prisma.user.create({
    data: { businessId: business.id, email, name: overrides.name ?? "Pat Plumber", passwordHash: await hashFor(password) },
  });
  return { user, business, email, password };
}
