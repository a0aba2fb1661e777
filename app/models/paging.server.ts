// Keyset (cursor) paging for lists that apps sync: rows sorted by (timestamp, id), and a cursor that is the
// sort key of a page's last row, opaque to clients (base64url JSON). The domain's lists (the API's resources,
// the deletion tombstones) page with these; reading a cursor from a request, and refusing a bad one, is the
// API's (decodeCursor in app/web/api.server.ts).

/** A page's last row: where the next page starts. */
export type Cursor = { at: string; id: string };

export function encodeCursor(at: Date, id: string) {
  return Buffer.from(JSON.stringify({ at: at.toISOString(), id })).toString("base64url");
}

/**
 * A keyset page: rows sorted by (timestamp, id), fetched one past the limit to know whether more exist.
 * To sync, an app pages with `order=asc&updatedSince=<the latest updatedAt it holds>` until nextCursor
 * is null; items changed at exactly that instant come again, and the app upserts by id.
 */
export function keysetWhere(column: string, cursor: Cursor | null, order: "asc" | "desc") {
  if (!cursor) return {};
  const op = order === "asc" ? "gt" : "lt";
  const at = new Date(cursor.at);
  return { OR: [{ [column]: { [op]: at } }, { [column]: at, id: { [op]: cursor.id } }] };
}

/** The page of `rows` (fetched with `take: limit + 1`) and the cursor of the next one, null on the last. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number, at: (row: T) => Date) {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data[data.length - 1];
  return { data, nextCursor: hasMore && last ? encodeCursor(at(last), last.id) : null };
}
