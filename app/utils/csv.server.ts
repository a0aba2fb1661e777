// CSV exports: cells guarded against formula injection, quoting by csv-stringify, and a streamed
// response fed batch by batch so a large export never sits in memory as one string.
import { stringify } from "csv-stringify/sync";
import { currencyDigits, toDecimalString } from "./money";
import { logger } from "./logger.server";

export type CsvCell = string | number | null | undefined;

/** Rows per database round trip for exports (keyset pagination). */
export const CSV_BATCH_SIZE = 1_000;

// Spreadsheets run a cell that starts with one of these as a formula (=HYPERLINK(...), +cmd|...);
// Apple Numbers also folds the full-width forms into them.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The cell as text, with a leading ' when a spreadsheet would otherwise treat it as a formula. */
function csvSafe(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  // A real number (-5) is data, not a formula; only text can smuggle one in.
  if (typeof value === "number") return String(value);
  const text = value;
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Rows as RFC 4180 CSV text (CRLF line ends, quotes doubled, fields with , " or newlines quoted). */
export function csvLines(rows: CsvCell[][]): string {
  return stringify(
    rows.map((row) => row.map(csvSafe)),
    { record_delimiter: "windows" },
  );
}

const digitsCache = new Map<string, number>();
/** Integer minor units as a plain decimal string (12345 USD -> "123.45"); never via floating point. */
export function csvAmount(cents: number, currency: string): string {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = currencyDigits(currency);
    digitsCache.set(currency, digits);
  }
  return toDecimalString(cents, digits);
}

/** A download filename such as invoices-2025-03-31.csv. */
export function csvFilename(name: string, date: string) {
  return `${name.replace(/[^A-Za-z0-9_-]+/g, "-")}-${date.replace(/[^0-9-]/g, "")}.csv`;
}

/**
 * A streamed CSV download. `batches` is pulled lazily, one batch per read from the client, so the
 * database is only asked for more rows as fast as the client takes them. The file starts with a
 * UTF-8 byte order mark so Excel reads accented names correctly.
 */
export function csvResponse({ filename, header, batches }: { filename: string; header: string[]; batches: AsyncIterable<CsvCell[][]> }) {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${csvLines([header])}`));
        return;
      }
      try {
        for (;;) {
          const { value, done } = await iterator.next();
          if (done) return controller.close();
          if (value.length) return controller.enqueue(encoder.encode(csvLines(value)));
        }
      } catch (error) {
        // Headers are already sent; the client sees a cut-off download rather than a silent partial file.
        logger.error({ err: error, filename }, "CSV export failed mid-stream");
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
