// Seeds the demo contractor used by `npm start` on a fresh machine. Safe to run repeatedly.
import "dotenv/config";

export const DEMO_LOGIN = { email: "demo@invoicelink.local", password: "demo-password-2026" };

export async function seedDemo() {
  const { prisma } = await import("../app/utils/db.server");
  const { createAccount } = await import("../app/models/user.server");
  const existing = await prisma.user.findUnique({ where: { email: DEMO_LOGIN.email }, select: { id: true } });
  if (!existing) {
    await createAccount({ businessName: "Demo Plumbing & Heating", name: "Dana Demo", ...DEMO_LOGIN });
  }
  return DEMO_LOGIN;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const login = await seedDemo();
  console.log(`Demo login: ${login.email} / ${login.password}`);
  process.exit(0);
}
