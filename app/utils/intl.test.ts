// The formatter caches stay bounded and hand back the same formatter for the same arguments.
import { describe, expect, it } from "vitest";
import { BoundedCache, dateTimeFormat, numberFormat } from "./intl";

describe("BoundedCache", () => {
  it("forgets the oldest entry past its size", () => {
    const cache = new BoundedCache<string, number>(2);
    let built = 0;
    const get = (key: string) => cache.getOrCreate(key, () => ++built);
    expect(get("a")).toBe(1);
    expect(get("b")).toBe(2);
    expect(get("a")).toBe(1); // a hit
    expect(get("c")).toBe(3); // "a" was the oldest
    expect(cache.size).toBe(2);
    expect(get("b")).toBe(2);
    expect(get("a")).toBe(4); // rebuilt
  });
});

describe("shared formatters", () => {
  it("return one formatter per locale and options", () => {
    const options = { timeZone: "America/Chicago", year: "numeric", month: "2-digit", day: "2-digit" } as const;
    expect(dateTimeFormat("en-CA", options)).toBe(dateTimeFormat("en-CA", { ...options }));
    expect(dateTimeFormat("en-CA", options)).not.toBe(dateTimeFormat("en-CA", { ...options, timeZone: "UTC" }));
    expect(dateTimeFormat("en-CA", options).format(new Date("2026-12-03T03:00:00Z"))).toBe("2026-12-02");
    expect(numberFormat("en-US", { style: "percent" }).format(0.25)).toBe("25%");
  });
});
