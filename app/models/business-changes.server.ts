// Whether a contractor's page could show anything different now from when it was rendered (issue 17;
// docs/decisions/029-kept-contractor-pages.md). A trigger on every table with a businessId but Session notes
// each transaction that writes to a business's data in "BusinessChange": the business and the transaction's id
// (migration 20261206050000_business_changes). A page rendered from a snapshot is outdated once a row for its
// business is visible now that the snapshot did not see: a transaction that wrote to the business committed
// after the snapshot was taken, whichever process or path it came from and in whatever order transactions got
// their ids. The session's own row and the business's row are read directly.
import { Prisma } from "~/generated/prisma/client.ts";
import { billingBanner } from "~/models/subscription.server";
import { todayIn } from "~/utils/dates";
import { prisma, rawQuery, sqlColumns } from "~/utils/db.server";

// The business's columns but the logo's bytes (no contractor page shows them; a new logo writes the row, so
// its xmin changes anyway).
const businessColumns = sqlColumns(
  "b",
  Object.keys(Prisma.BusinessScalarFieldEnum).filter((column) => column !== "logo"),
);

/**
 * A kept page is checked only while its snapshot is younger than this many transactions (its xmin, against the
 * present one): rows older than twice that can then be deleted without a page ever needing them.
 */
export const PAGE_SNAPSHOT_WINDOW = 1_000_000;

// One statement, prepared once per connection: the session's row and its business's by primary key, and the
// business's changes since the given snapshot's xmin (usually none or a few) by the primary key. `since` is
// null on a first reading.
const fingerprintStatement = (sessionId: string, since: string | null) => Prisma.sql`/* prepared:session-page-fingerprint */
  SELECT s."businessId", s."expiresAt", b."timeZone",
         md5(row(s.xmin, s::text, b.xmin, ${Prisma.raw(businessColumns)})::text) AS "rows",
         pg_current_snapshot()::text AS "snapshot",
         coalesce(
           pg_snapshot_xmin(${since}::pg_snapshot)::text::bigint
             < pg_snapshot_xmin(pg_current_snapshot())::text::bigint - ${Prisma.raw(String(PAGE_SNAPSHOT_WINDOW))}
           OR EXISTS (SELECT 1 FROM "BusinessChange" c
                       WHERE c."businessId" = s."businessId"
                         AND c.xid >= pg_snapshot_xmin(${since}::pg_snapshot)::text::bigint
                         AND NOT pg_visible_in_snapshot(c.xid::text::xid8, ${since}::pg_snapshot)),
           false) AS "changedSince"
    FROM "Session" s JOIN "Business" b ON b.id = s."businessId"
   WHERE s.id = ${sessionId}`;

export type SessionPageFingerprint = {
  /** The session's and business's rows, the date and the billing banner, as one string: equal strings, the same page. */
  fingerprint: string;
  /** The snapshot this was read in (pg_snapshot as text): the `since` of a later reading. */
  snapshot: string;
  /** A transaction that wrote to the business has committed since `since` (or `since` is too old to tell). */
  changedSince: boolean;
};

/**
 * The fingerprint of a signed-in page for this session, or null when the session is gone or expired (the page
 * would redirect to the login). `since`: the snapshot of an earlier reading, to check for changes since.
 *
 * The fingerprint covers the session's and the business's rows (each with its xmin, which every write
 * changes), today's date in the business's time zone (overdue and "this month" turn on it) and the billing
 * banner as the root loader would show it now (a trial's days count down without a write).
 */
export async function sessionPageFingerprint(sessionId: string, since: string | null = null): Promise<SessionPageFingerprint | null> {
  const [row] = await rawQuery<{ businessId: string; expiresAt: Date; timeZone: string; rows: string; snapshot: string; changedSince: boolean }>(
    fingerprintStatement(sessionId, since),
  );
  if (!row || row.expiresAt.getTime() <= Date.now()) return null;
  const banner = await billingBanner(row.businessId);
  return {
    fingerprint: [row.rows, todayIn(row.timeZone), banner ? `${banner.kind}:${banner.message}` : "-"].join(" "),
    snapshot: row.snapshot,
    changedSince: row.changedSince,
  };
}

/**
 * The nightly cleanup: deletes the changes of transactions more than twice PAGE_SNAPSHOT_WINDOW older than
 * every running one. A kept page's snapshot is at most PAGE_SNAPSHOT_WINDOW older than the present, so every
 * row it could need is younger. Returns how many rows went.
 */
export async function pruneBusinessChanges() {
  return prisma.$executeRaw`
    DELETE FROM "BusinessChange"
     WHERE xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint - ${2 * PAGE_SNAPSHOT_WINDOW}`;
}
