// The accent colour's rules: what is accepted, and that text on it always meets WCAG AA.
import { describe, expect, it } from "vitest";
import {
  accentStylesheet,
  accentStylesheetPath,
  BLACK,
  contrastRatio,
  logoPath,
  normalizeAccentColor,
  relativeLuminance,
  textOnAccent,
  WHITE,
} from "./branding";

describe("normalizeAccentColor", () => {
  it("accepts #rrggbb in any case, trimmed, and stores it lower-case", () => {
    expect(normalizeAccentColor("#1D4ED8")).toBe("#1d4ed8");
    expect(normalizeAccentColor("  #00ff7f ")).toBe("#00ff7f");
    expect(normalizeAccentColor("#1d4ed8\n")).toBe("#1d4ed8");
  });
  it.each(["", "1d4ed8", "#fff", "#1d4ed8ff", "#12345g", "red", "rgb(0,0,0)", "#1d4ed8;}body{display:none", null, undefined])("refuses %j", (value) => {
    expect(normalizeAccentColor(value)).toBeNull();
  });
});

describe("contrast", () => {
  it("matches the WCAG figures for black, white and grey", () => {
    expect(relativeLuminance("#000000")).toBe(0);
    expect(relativeLuminance("#ffffff")).toBeCloseTo(1, 10);
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 10);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
  });

  it("puts white on dark accents and black on light ones", () => {
    expect(textOnAccent("#1d4ed8")).toBe(WHITE); // blue
    expect(textOnAccent("#000000")).toBe(WHITE);
    expect(textOnAccent("#7f1d1d")).toBe(WHITE);
    expect(textOnAccent("#facc15")).toBe(BLACK); // yellow
    expect(textOnAccent("#ffffff")).toBe(BLACK);
    expect(textOnAccent("#ff7f00")).toBe(BLACK); // orange: white would be 2.9:1
  });

  it("reaches at least 4.5:1 for every colour (sampled over the whole cube)", () => {
    let worst = 21;
    for (let r = 0; r < 256; r += 15)
      for (let g = 0; g < 256; g += 15)
        for (let b = 0; b < 256; b += 15) {
          const hex = `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
          worst = Math.min(worst, contrastRatio(hex, textOnAccent(hex)));
        }
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });
});

describe("stylesheet and paths", () => {
  it("writes only the checked colour and its text colour", () => {
    const css = accentStylesheet("#FACC15");
    expect(css).toContain("background:#facc15");
    expect(css).toContain("color:#000000");
    expect(css).not.toContain("#ffffff");
    expect(() => accentStylesheet("red;}")).toThrow();
  });
  it("keys the stylesheet by the colour and the logo by business and version", () => {
    expect(accentStylesheetPath("#1D4ED8")).toBe("/brand/accent/1d4ed8.css");
    expect(logoPath("cm123", new Date(1_700_000_000_000))).toBe("/brand/logo/cm123?v=1700000000000");
  });
});
