import { describe, expect, it } from "vitest";
import { redactUrl } from "./logger.server";

const SECRET = "s3cr3t-Token_Value-0123456789abcdef";

function params(url: string) {
  return new URLSearchParams(url.slice(url.indexOf("?") + 1));
}

describe("redactUrl", () => {
  it("leaves URLs without a query string untouched", () => {
    expect(redactUrl("/login")).toBe("/login");
    expect(redactUrl("/")).toBe("/");
    expect(redactUrl("https://invoicelink.test/invoices/abc")).toBe("https://invoicelink.test/invoices/abc");
  });

  it("leaves harmless query parameters untouched", () => {
    expect(redactUrl("/login?redirectTo=%2Fdashboard")).toBe("/login?redirectTo=%2Fdashboard");
    const out = redactUrl("/forgot-password?sent=1&page=2");
    expect(params(out).get("sent")).toBe("1");
    expect(params(out).get("page")).toBe("2");
  });

  it.each(["token", "t", "code", "password", "access_token", "refresh_token", "key"])("masks the %s parameter", (name) => {
    const out = redactUrl(`/reset-password?${name}=${SECRET}&keep=yes`);
    expect(out).not.toContain(SECRET);
    expect(out.startsWith("/reset-password?")).toBe(true);
    expect(params(out).get(name)).toBe("[Redacted]");
    expect(params(out).get("keep")).toBe("yes");
  });

  it("matches parameter names case-insensitively", () => {
    const out = redactUrl(`/reset-password?Token=${SECRET}&T=${SECRET}x`);
    expect(out).not.toContain(SECRET);
    expect(params(out).get("Token")).toBe("[Redacted]");
    expect(params(out).get("T")).toBe("[Redacted]");
  });

  it("masks every occurrence of a repeated parameter", () => {
    const out = redactUrl(`/x?token=${SECRET}&token=${SECRET}-2`);
    expect(out).not.toContain(SECRET);
    expect(params(out).getAll("token")).toEqual(["[Redacted]"]);
  });

  it("masks percent-encoded values and values in absolute URLs", () => {
    const encoded = encodeURIComponent(`${SECRET}/+=`);
    const out = redactUrl(`https://invoicelink.test/pay?t=${encoded}&invoice=42`);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(encoded);
    expect(out.startsWith("https://invoicelink.test/pay?")).toBe(true);
    expect(params(out).get("invoice")).toBe("42");
  });

  it("does not mask parameters that merely contain a sensitive word", () => {
    const out = redactUrl("/search?tokens=3&keyword=tap");
    expect(params(out).get("tokens")).toBe("3");
    expect(params(out).get("keyword")).toBe("tap");
  });

  it("copes with malformed query strings without throwing", () => {
    expect(() => redactUrl("/x?token=%E0%A4%A&&=&%%")).not.toThrow();
    expect(redactUrl("/x?token=%E0%A4%A")).not.toContain("%E0%A4%A");
    expect(redactUrl("/x?")).toBe("/x?");
  });
});
