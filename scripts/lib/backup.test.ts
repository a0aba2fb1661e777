import { describe, expect, it } from "vitest";
import { assertDumpCompatible, backupFileName, libpqTarget, parseArchiveHeader, parseBackupFileName } from "./backup";

describe("backup file names", () => {
  it("round-trip the database and the UTC time, and ignore anything else", () => {
    const at = new Date("2025-06-30T03:15:00.123Z");
    expect(backupFileName("invoice_link", at)).toBe("invoice_link-2025-06-30T03-15-00-123Z.dump");
    expect(parseBackupFileName("invoice-link-prod-2025-06-30T03-15-00-123Z.dump")).toEqual({ database: "invoice-link-prod", takenAt: at });
    expect(parseBackupFileName("invoice_link-2025-06-30T03-15-00-123Z.dump.partial")).toBeNull();
    expect(parseBackupFileName("notes.txt")).toBeNull();
  });
});

describe("libpqTarget", () => {
  it("moves the password to PGPASSWORD and drops query parameters libpq does not know", () => {
    const target = libpqTarget("postgresql://app:s%3Acret%40pw@db.example.com:6543/invoice_link?sslmode=require&schema=public&connection_limit=5");
    expect(target.dbname).toBe("postgresql://app@db.example.com:6543/invoice_link?sslmode=require");
    expect(target.env).toEqual({ PGPASSWORD: "s:cret@pw" });
    expect(libpqTarget("postgresql://postgres@127.0.0.1:5432/x").env).toEqual({});
  });
});

describe("versions", () => {
  it("reads the archive header pg_restore --list prints", () => {
    const list =
      ";\n; Archive created at 2025-06-30 03:15:00 UTC\n;     dbname: invoice_link\n;     Dumped from database version: 16.4 (Debian 16.4-1.pgdg120+1)\n;     Dumped by pg_dump version: 17.2\n";
    expect(parseArchiveHeader(list)).toEqual({ dumpedFrom: 16, dumpedBy: 17 });
    expect(parseArchiveHeader("garbage")).toEqual({ dumpedFrom: null, dumpedBy: null });
  });

  it("needs pg_dump of the server's major version or newer", () => {
    expect(() => assertDumpCompatible(17, 16)).not.toThrow();
    expect(() => assertDumpCompatible(16, 16)).not.toThrow();
    expect(() => assertDumpCompatible(15, 16)).toThrow(/pg_dump is version 15 but the server runs PostgreSQL 16/);
  });
});
