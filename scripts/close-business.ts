// Operator tool: closes businesses by id exactly as Settings → Subscription → Cancel and delete does
// (app/models/account-closure.server.ts), without the owner's password. For re-running closures after a
// database restore from before them (docs/runbooks/backups.md): their ids are in the "account closed"
// log lines. A business that is already closed or unknown is reported and skipped.
//   DATABASE_URL=postgres://… npx tsx scripts/close-business.ts <businessId> [<businessId> …]
import "dotenv/config";
import { closeBusiness } from "~/models/account-closure.server";
import { NotFoundError } from "~/models/errors.server";
import { prisma } from "~/utils/db.server";

const ids = process.argv.slice(2);
if (!ids.length) {
  console.error("usage: npx tsx scripts/close-business.ts <businessId> [<businessId> …]");
  process.exit(2);
}
let failed = 0;
for (const id of ids) {
  try {
    console.log(`${id}: closed ${JSON.stringify(await closeBusiness(id))}`);
  } catch (error) {
    if (error instanceof NotFoundError) {
      console.log(`${id}: not found or already closed; skipped`);
      continue;
    }
    failed += 1;
    console.error(`${id}: failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
await prisma.$disconnect();
process.exit(failed ? 1 : 0);
