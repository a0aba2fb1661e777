// transactionWithConnection and rawQueryInTx (app/utils/db.server.ts, decision 027): while the work sends only
// raw statements, the transaction runs on a connection of the adapter's pool with node-postgres alone (BEGIN
// written with the first statement, COMMIT with one marked `last`), and reads and writes the same values as
// tx.$queryRaw would; the moment the work touches Prisma, that attempt is rolled back and the work runs again
// in Prisma's transaction; once the transaction is over, no statement can run in it.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Prisma } from "~/generated/prisma/client.ts";
import { prisma, rawQuery, rawQueryInTx, transactionWithConnection, usesTransactionConnection } from "~/utils/db.server";

const probeTable = () => `raw_probe_${randomBytes(6).toString("hex")}`;
const tableExists = async (name: string) => (await prisma.$queryRaw<{ found: boolean }[]>`SELECT to_regclass(${name}) IS NOT NULL AS found`)[0].found;

describe("transactions on node-postgres alone", () => {
  it("read the same values as Prisma's $queryRaw, in one transaction", async () => {
    const at = new Date("2026-03-08T01:02:03.456Z");
    const query = Prisma.sql`/* prepared:test-transaction-connection */ SELECT ${at}::timestamp(3) AS at, ${at}::date AS day, ${7}::int AS n,
                   ${true}::boolean AS flag, ${null}::text AS text, 'SUCCEEDED'::"PaymentStatus" AS status`;
    // Prisma connects (and makes the adapter's pool) on its first query.
    const [viaPrisma] = await prisma.$queryRaw<Record<string, unknown>[]>(query);
    const seen = await transactionWithConnection(async (tx) => {
      expect(usesTransactionConnection(tx)).toBe(true);
      const [raw] = await rawQueryInTx<Record<string, unknown>>(tx, query);
      const [first] = await rawQueryInTx<{ xid: string; pid: number }>(tx, Prisma.sql`SELECT txid_current()::text AS xid, pg_backend_pid() AS pid`);
      const [second] = await rawQueryInTx<{ xid: string; pid: number; timeout: string }>(
        tx,
        Prisma.sql`SELECT txid_current()::text AS xid, pg_backend_pid() AS pid, current_setting('statement_timeout') AS timeout`,
        { last: true },
      );
      return { raw, first, second };
    });
    expect(seen.raw).toEqual({ at, day: new Date("2026-03-08T00:00:00Z"), n: 7, flag: true, text: null, status: "SUCCEEDED" });
    expect(seen.raw).toEqual(viaPrisma);
    expect(seen.second.xid).toBe(seen.first.xid);
    expect(seen.second.pid).toBe(seen.first.pid);
    // Prisma's interactive transaction's default timeout (5 s), per statement here.
    expect(seen.second.timeout).toBe("5s");
  });

  it("commit what the work wrote, with or without a last statement", async () => {
    const [a, b] = [probeTable(), probeTable()];
    try {
      await transactionWithConnection(async (tx) => {
        await rawQueryInTx(tx, Prisma.raw(`CREATE TABLE ${a} (id int)`));
      });
      await transactionWithConnection(async (tx) => {
        await rawQueryInTx(tx, Prisma.raw(`CREATE TABLE ${b} (id int)`), { last: true });
      });
      expect(await tableExists(a)).toBe(true);
      expect(await tableExists(b)).toBe(true);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TABLE IF EXISTS ${a}, ${b}`);
    }
  });

  it("roll back when the work fails, or its last statement does, and run nothing once over", async () => {
    const [a, b] = [probeTable(), probeTable()];
    let kept: Prisma.TransactionClient | null = null;
    await expect(
      transactionWithConnection(async (tx) => {
        kept = tx;
        await rawQueryInTx(tx, Prisma.raw(`CREATE TABLE ${a} (id int)`));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await tableExists(a)).toBe(false);
    expect(usesTransactionConnection(kept!)).toBe(false);
    await expect(rawQueryInTx(kept!, Prisma.sql`SELECT 1`)).rejects.toThrow("over");

    await expect(
      transactionWithConnection(async (tx) => {
        await rawQueryInTx(tx, Prisma.raw(`CREATE TABLE ${b} (id int)`));
        await rawQueryInTx(tx, Prisma.sql`SELECT 1 / 0`, { last: true });
      }),
    ).rejects.toThrow("division by zero");
    expect(await tableExists(b)).toBe(false);

    await expect(
      transactionWithConnection(async (tx) => {
        await rawQueryInTx(tx, Prisma.sql`SELECT 1`, { last: true });
        await rawQueryInTx(tx, Prisma.sql`SELECT 2`);
      }),
    ).rejects.toThrow("over");
    // The connections went back to the pool in a clean state: the pool still answers, outside a transaction.
    expect(await rawQuery<{ one: number; inTx: boolean }>(Prisma.sql`SELECT 1::int AS one, now() = statement_timestamp() AS "inTx"`)).toEqual([
      { one: 1, inTx: true },
    ]);
  });

  it("run the work again in Prisma's transaction when it touches Prisma, the first attempt rolled back", async () => {
    const table = probeTable();
    const attempts: boolean[] = [];
    try {
      const result = await transactionWithConnection(async (tx) => {
        attempts.push(usesTransactionConnection(tx));
        const [{ found }] = await rawQueryInTx<{ found: boolean }>(tx, Prisma.sql`SELECT to_regclass(${table}) IS NOT NULL AS found`);
        // Each attempt starts from nothing: the first one's table was rolled back.
        expect(found).toBe(false);
        await rawQueryInTx(tx, Prisma.raw(`CREATE TABLE ${table} (id int)`));
        const [viaPrisma] = await tx.$queryRaw<{ xid: string }[]>`SELECT txid_current()::text AS xid`;
        const [raw] = await rawQueryInTx<{ xid: string }>(tx, Prisma.sql`SELECT txid_current()::text AS xid`);
        return raw.xid === viaPrisma.xid;
      });
      expect(attempts).toEqual([true, false]);
      expect(result).toBe(true);
      expect(await tableExists(table)).toBe(true);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TABLE IF EXISTS ${table}`);
    }
  });

  it("write a statement behind COMMIT that runs after it, outside the transaction, its failure reported apart", async () => {
    const table = probeTable();
    try {
      const failures: unknown[] = [];
      const seen = await transactionWithConnection(async (tx) => {
        const [inside] = await rawQueryInTx<{ xid: string }>(tx, Prisma.sql`SELECT txid_current()::text AS xid`);
        await rawQueryInTx(tx, Prisma.raw(`CREATE TABLE ${table} (xid text, committed boolean)`), {
          last: true,
          // After the COMMIT: the table is there, and this runs in a transaction of its own.
          thenOutside: {
            statement: Prisma.raw(`INSERT INTO ${table} SELECT txid_current()::text, to_regclass('${table}') IS NOT NULL`),
            failed: (error) => failures.push(error),
          },
        });
        return inside.xid;
      });
      const rows = await prisma.$queryRawUnsafe<{ xid: string; committed: boolean }[]>(`SELECT * FROM ${table}`);
      expect(rows).toHaveLength(1);
      expect(rows[0].committed).toBe(true);
      expect(rows[0].xid).not.toBe(seen);
      expect(failures).toEqual([]);

      await transactionWithConnection(async (tx) => {
        await rawQueryInTx(tx, Prisma.sql`SELECT 1`, {
          last: true,
          thenOutside: { statement: Prisma.sql`SELECT 1 / 0`, failed: (error) => failures.push(error) },
        });
      });
      expect(String(failures[0])).toContain("division by zero");
    } finally {
      await prisma.$executeRawUnsafe(`DROP TABLE IF EXISTS ${table}`);
    }
    // Only with the last statement, and only on the transaction's own connection.
    await expect(
      transactionWithConnection((tx) => rawQueryInTx(tx, Prisma.sql`SELECT 1`, { thenOutside: { statement: Prisma.sql`SELECT 1`, failed: () => {} } })),
    ).rejects.toThrow("last statement");
    await expect(
      prisma.$transaction((tx) => rawQueryInTx(tx, Prisma.sql`SELECT 1`, { last: true, thenOutside: { statement: Prisma.sql`SELECT 1`, failed: () => {} } })),
    ).rejects.toThrow("own connection");
  });

  it("never run the work again once its last statement committed it", async () => {
    let runs = 0;
    await expect(
      transactionWithConnection(async (tx) => {
        runs++;
        await rawQueryInTx(tx, Prisma.sql`SELECT 1`, { last: true });
        await tx.$queryRaw`SELECT 1`;
      }),
    ).rejects.toThrow("last statement");
    expect(runs).toBe(1);
  });

  it("concurrent transactions each get their own connection", async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        transactionWithConnection(async (tx) => {
          const [first] = await rawQueryInTx<{ xid: string }>(tx, Prisma.sql`SELECT txid_current()::text AS xid`);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
          const [second] = await rawQueryInTx<{ xid: string }>(tx, Prisma.sql`SELECT txid_current()::text AS xid`, { last: true });
          return { own: usesTransactionConnection(tx), same: first.xid === second.xid, xid: first.xid };
        }),
      ),
    );
    expect(outcomes.every((o) => o.same)).toBe(true);
    expect(new Set(outcomes.map((o) => o.xid)).size).toBe(20);
  });

  it("plain prisma.$transaction is untouched", async () => {
    await prisma.$transaction(async (tx) => {
      expect(usesTransactionConnection(tx)).toBe(false);
      expect(await rawQueryInTx<{ one: number }>(tx, Prisma.sql`SELECT 1::int AS one`)).toEqual([{ one: 1 }]);
    });
  });
});
