// Fails when prisma/schema.prisma and the database built by prisma/migrations disagree:
// tables, columns, types, nullability, defaults, enums, indexes and foreign keys.
import { readFileSync } from "node:fs";
import path from "node:path";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  type: string;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
type DmmfIndex = { model: string; type: "id" | "unique" | "normal" | "fulltext"; dbName?: string | null; fields: { name: string }[] };

const schema = readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schema }))).datamodel as {
  models: DmmfModel[];
  enums: { name: string; values: { name: string }[] }[];
  indexes: DmmfIndex[];
};

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  Bytes: "bytea",
};
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  VarChar: (a) => `character varying${a.length ? `(${a[0]})` : ""}`,
  Char: (a) => `character(${a[0] ?? 1})`,
  Text: () => "text",
  Date: () => "date",
  Timestamptz: (a) => `timestamp(${a[0] ?? 6}) with time zone`,
  Timestamp: (a) => `timestamp(${a[0] ?? 6}) without time zone`,
  SmallInt: () => "smallint",
  Integer: () => "integer",
  BigInt: () => "bigint",
  Decimal: (a) => `numeric(${a.join(",")})`,
  Uuid: () => "uuid",
  JsonB: () => "jsonb",
  Citext: () => "citext",
  Inet: () => "inet",
};

const columnName = (f: DmmfField) => f.dbName ?? f.name;
const tableName = (m: DmmfModel) => m.dbName ?? m.name;
const modelByName = new Map(dmmf.models.map((m) => [m.name, m]));

function expectedType(field: DmmfField) {
  let type: string;
  if (field.kind === "enum") type = `"${field.type}"`;
  else if (field.nativeType) type = NATIVE_TYPES[field.nativeType[0]]?.(field.nativeType[1]) ?? field.nativeType[0].toLowerCase();
  else type = SCALAR_TYPES[field.type] ?? `unknown:${field.type}`;
  return field.isList ? `${type}[]` : type;
}

/** Defaults the database must hold (client-side defaults such as cuid() and @updatedAt live in Prisma). */
function expectsDbDefault(field: DmmfField) {
  if (!field.hasDefaultValue) return false;
  const d = field.default as { name?: string } | unknown;
  if (d && typeof d === "object" && "name" in d) return !["cuid", "uuid", "nanoid", "ulid"].includes(String((d as { name: string }).name));
  return true;
}

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});
afterAll(() => client?.end());

describe("schema.prisma matches the migrated database", () => {
  it("has exactly the tables of the schema (plus _prisma_migrations)", async () => {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const actual = rows.map((r) => r.table_name).sort();
    const expected = [...dmmf.models.map(tableName), "_prisma_migrations"].sort();
    expect(actual).toEqual(expected);
  });

  it("has the same enums and values", async () => {
    const { rows } = await client.query<{ name: string; value: string }>(
      `SELECT t.typname AS name, e.enumlabel AS value FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`,
    );
    const actual: Record<string, string[]> = {};
    for (const r of rows) (actual[r.name] ??= []).push(r.value);
    const expected = Object.fromEntries(dmmf.enums.map((e) => [e.name, e.values.map((v) => v.name)]));
    expect(actual).toEqual(expected);
  });

  for (const model of dmmf.models) {
    it(`${model.name}: columns, types, nullability and defaults`, async () => {
      const { rows } = await client.query<{ column: string; type: string; notnull: boolean; hasdefault: boolean }>(
        `SELECT a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, a.atthasdef AS hasdefault
         FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attname`,
        [`"${tableName(model)}"`],
      );
      const actual = Object.fromEntries(rows.map((r) => [r.column, { type: r.type, notNull: r.notnull, dbDefault: r.hasdefault }]));
      const expected = Object.fromEntries(
        model.fields
          .filter((f) => f.kind === "scalar" || f.kind === "enum")
          .map((f) => [columnName(f), { type: expectedType(f), notNull: f.isRequired, dbDefault: expectsDbDefault(f) }]),
      );
      // format_type prints enum types unquoted when the name is a valid lower-case identifier only.
      for (const col of Object.values(actual)) if (!col.type.startsWith('"') && /^[A-Z]/.test(col.type)) col.type = `"${col.type}"`;
      expect(actual).toEqual(expected);
    });
  }

  it("has exactly the schema's primary keys, unique constraints and indexes", async () => {
    const { rows } = await client.query<{ table: string; name: string; columns: string[]; unique: boolean; primary: boolean }>(
      `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
              array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
       FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`,
    );
    const describeIndex = (table: string, columns: string[], kind: string) => `${table}(${columns.join(",")}) ${kind}`;
    const actual = rows.map((r) => describeIndex(r.table, r.columns, r.primary ? "primary" : r.unique ? "unique" : "index")).sort();
    const expected = dmmf.indexes
      .map((ix) => {
        const model = modelByName.get(ix.model)!;
        const cols = ix.fields.map((f) => columnName(model.fields.find((mf) => mf.name === f.name)!));
        return describeIndex(tableName(model), cols, ix.type === "id" ? "primary" : ix.type === "unique" ? "unique" : "index");
      })
      .sort();
    expect(actual).toEqual(expected);
  });

  it("has exactly the schema's foreign keys with their delete rules", async () => {
    const { rows } = await client.query<{ table: string; columns: string[]; ref_table: string; ref_columns: string[]; on_delete: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS ref_table,
              array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns,
              array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS ref_columns,
              CASE c.confdeltype WHEN 'c' THEN 'Cascade' WHEN 'r' THEN 'Restrict' WHEN 'n' THEN 'SetNull' WHEN 'd' THEN 'SetDefault' ELSE 'NoAction' END AS on_delete
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = 'public'`,
    );
    const strip = (t: string) => t.replace(/^"|"$/g, "");
    const actual = rows
      .map((r) => `${strip(r.table)}(${r.columns.join(",")}) -> ${strip(r.ref_table)}(${r.ref_columns.join(",")}) on delete ${r.on_delete}`)
      .sort();
    const expected = dmmf.models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind === "object" && f.relationFromFields?.length)
          .map((f) => {
            const target = modelByName.get(f.type)!;
            const from = f.relationFromFields!.map((n) => columnName(m.fields.find((x) => x.name === n)!));
            const to = f.relationToFields!.map((n) => columnName(target.fields.find((x) => x.name === n)!));
            const onDelete = f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull");
            return `${tableName(m)}(${from.join(",")}) -> ${tableName(target)}(${to.join(",")}) on delete ${onDelete}`;
          }),
      )
      .sort();
    expect(actual).toEqual(expected);
  });
});
