// Calendar dates as the app passes them around: ISO strings (YYYY-MM-DD), stored in Postgres DATE
// columns as UTC midnights, and "today" in a business's time zone. Pure: no database, no domain, no zod
// (pages import it; the zod schema of a date is DateString in schemas.ts).
import { BoundedCache } from "./intl";

/** The range of dates the app accepts on any document, payment or expense. */
export const DATE_MIN = "2000-01-01";
export const DATE_MAX = "2100-12-31";

/** A date string (YYYY-MM-DD) as the Date Prisma stores in a DATE column. */
export function dateOnly(value: string) {
  return new Date(`${value}T00:00:00Z`);
}

export function toDateString(date: Date | string) {
  return (typeof date === "string" ? new Date(date) : date).toISOString().slice(0, 10);
}

const dayFormatters = new BoundedCache<string, Intl.DateTimeFormat>(256);
/** Today's date in a time zone, as YYYY-MM-DD ("en-CA" writes dates that way); one formatter per zone. */
export function todayIn(timeZone: string, now = new Date()) {
  return dayFormatters
    .getOrCreate(timeZone, () => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }))
    .format(now);
}

export function addDays(date: string, days: number) {
  const d = dateOnly(date);
  d.setUTCDate(d.getUTCDate() + days);
  return toDateString(d);
}
