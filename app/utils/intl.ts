// Intl formatters cost tens of microseconds to build and a page formats dozens of amounts and dates, so
// they are built once per locale, options and time zone and reused. The maps are bounded: keys come from
// data (a business's currency and time zone), and a process serving many businesses must not grow
// without limit. Shared by server and browser code (no *.server suffix).

/**
 * A Map that forgets its oldest entry past `max`. Oldest by insertion, not by use: a hit costs one Map
 * lookup, and in practice the bound is never reached (it only stops a runaway).
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly max: number) {}

  get size() {
    return this.entries.size;
  }

  getOrCreate(key: K, create: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = create();
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
    return value;
  }
}

// A few hundred is far more currencies × locales and time zones than one process sees in practice.
const numberFormats = new BoundedCache<string, Intl.NumberFormat>(256);
const dateTimeFormats = new BoundedCache<string, Intl.DateTimeFormat>(256);

/** A shared Intl.NumberFormat for these arguments. */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions) {
  return numberFormats.getOrCreate(`${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
}

/** A shared Intl.DateTimeFormat for these arguments (the time zone belongs in `options`). */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions) {
  return dateTimeFormats.getOrCreate(`${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
}
