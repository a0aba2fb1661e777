// Whether a contractor's page could show anything different now from when it was rendered (issue 17;
// docs/decisions/029-kept-contractor-pages.md). A trigger on every table with a businessId but Session notes
// each writing transaction in "BusinessChange" (migration 20261206050000_business_changes), so the newest id
// per business moves with every write to the business's data, by any process and any path. The session's own
// row and the business's row are read directly.
//
// Ids come from a sequence when a transaction first writes, not when it commits: a transaction that was still
// running when a page's fingerprint was read may commit later with a smaller id than the newest one seen. So the
// fingerprint also lists the transactions running at that moment (the snapshot's xip), and a kept page is only
// current while none of those has committed since.
import { Prisma } from "~/generated/prisma/client.ts";
import { billingBanner } from "~/models/subscription.server";
import { todayIn } from "~/utils/dates";
import { prisma, rawQuery } from "~/utils/db.server";

// The business's columns but the logo's bytes (no contractor page shows them; a new logo writes the row, so
// its xmin changes anyway).
const businessColumns = Object.keys(Prisma.BusinessScalarFieldEnum)
  .filter((column) => column !== "logo")
  .map((column) => `b."${column}"`)
  .join(", ");

// One statement, prepared once per connection: the session's row and its business's by primary key, the
// business's newest change by the primary key's first column.
const fingerprintStatement = (sessionId: string, running: string[]) => Prisma.sql`/* prepared:session-page-fingerprint */
  SELECT s."businessId", s."expiresAt", b."timeZone",
         md5(row(s.xmin, s::text, b.xmin, ${Prisma.raw(businessColumns)})::text) AS "rows",
         (SELECT max(c.id) FROM "BusinessChange" c WHERE c."businessId" = s."businessId")::text AS "lastChange",
         ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x) AS "running",
         EXISTS (SELECT 1 FROM unnest(${running}::xid8[]) r
                  WHERE pg_xact_status(r) IS DISTINCT FROM 'in progress' AND pg_xact_status(r) IS DISTINCT FROM 'aborted') AS "someCommitted"
    FROM "Session" s JOIN "Business" b ON b.id = s."businessId"
   WHERE s.id = ${sessionId}`;

export type SessionPageFingerprint = {
  /** Everything a page of this session is rendered from, as one string: equal strings, the same page. */
  fingerprint: string;
  /** The transactions running when it was read (xid8 as text): a kept page is outdated once one commits. */
  running: string[];
  /** Of the `running` passed in (an earlier reading's), one has committed since (or is too old to tell). */
  someCommitted: boolean;
};

/**
 * The fingerprint of a signed-in page for this session, or null when the session is gone or expired (the page
 * would redirect to the login). `running` is the list an earlier reading returned, checked here.
 *
 * The fingerprint covers the session's and the business's rows (each with its xmin, which every write
 * changes), the business's newest change, today's date in its time zone (overdue and "this month" turn on
 * it) and the billing banner as the root loader would show it now (a trial's days count down without a write).
 */
export async function sessionPageFingerprint(sessionId: string, running: string[] = []): Promise<SessionPageFingerprint | null> {
  const [row] = await rawQuery<{
    businessId: string;
    expiresAt: Date;
    timeZone: string;
    rows: string;
    lastChange: string | null;
    running: string[];
    someCommitted: boolean;
  }>(fingerprintStatement(sessionId, running));
  if (!row || row.expiresAt.getTime() <= Date.now()) return null;
  const banner = await billingBanner(row.businessId);
  return {
    fingerprint: [row.rows, row.lastChange ?? "-", todayIn(row.timeZone), banner ? `${banner.kind}:${banner.message}` : "-"].join(" "),
    running: row.running,
    someCommitted: row.someCommitted,
  };
}

/**
 * The nightly cleanup: each business keeps only its newest change (all a fingerprint reads), and a business
 * that no longer exists none. Returns how many rows went.
 */
export async function pruneBusinessChanges() {
  return prisma.$executeRaw`
    DELETE FROM "BusinessChange" c
     WHERE c.id < (SELECT max(n.id) FROM "BusinessChange" n WHERE n."businessId" = c."businessId")
        OR NOT EXISTS (SELECT 1 FROM "Business" b WHERE b.id = c."businessId")`;
}
