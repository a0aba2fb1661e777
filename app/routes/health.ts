import { json } from "@remix-run/node";
import { prisma } from "~/utils/db.server";

// Answers 503 while Postgres is unreachable; the pool reconnects by itself when it comes back.
export async function loader() {
  const headers = { "Cache-Control": "no-store" };
  try {
    await Promise.race([
      prisma.$queryRaw`SELECT 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error("database timeout")), 3_000)),
    ]);
    return json({ status: "ok", db: "ok" }, { headers });
  } catch {
    return json({ status: "error", db: "unavailable" }, { status: 503, headers });
  }
}
