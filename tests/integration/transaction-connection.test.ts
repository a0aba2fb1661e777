// rawQueryInTx (app/utils/db.server.ts, decision 025): in a transaction started by transactionWithConnection,
// a raw statement runs on the transaction's own connection, inside the same transaction as Prisma's
// statements, and reads and writes the same values as tx.$queryRaw would; once the transaction is over it
// can never run on that connection again (the pool may have lent it to someone else).
import { describe, expect, it } from "vitest";
import { Prisma } from "~/generated/prisma/client.ts";
import { prisma, rawQuery, rawQueryInTx, transactionWithConnection, usesTransactionConnection } from "~/utils/db.server";

describe("statements on the transaction's connection", () => {
  it("run in the same transaction as Prisma's, with the same values", async () => {
    const at = new Date("2026-03-08T01:02:03.456Z");
    await transactionWithConnection(async (tx) => {
      expect(usesTransactionConnection(tx)).toBe(true);
      const [viaPrisma] = await tx.$queryRaw<{ xid: string; pid: number }[]>`SELECT txid_current()::text AS xid, pg_backend_pid() AS pid`;
      const [raw] = await rawQueryInTx<{ xid: string; pid: number; at: Date; day: Date; n: number; flag: boolean; text: string | null }>(
        tx,
        Prisma.sql`/* prepared:test-transaction-connection */ SELECT txid_current()::text AS xid, pg_backend_pid() AS pid, ${at}::timestamp(3) AS at,
                   ${at}::date AS day, ${7}::int AS n, ${true}::boolean AS flag, ${null}::text AS text`,
      );
      expect(raw).toEqual({ xid: viaPrisma.xid, pid: viaPrisma.pid, at, day: new Date("2026-03-08T00:00:00Z"), n: 7, flag: true, text: null });
      const [prismaRead] = await tx.$queryRaw<{ at: Date }[]>`SELECT ${at}::timestamp(3) AS at`;
      expect(prismaRead.at).toEqual(raw.at);
    });
  });

  it("roll back with the transaction, and never run on its connection after it ended", async () => {
    let kept: Prisma.TransactionClient | null = null;
    await expect(
      transactionWithConnection(async (tx) => {
        kept = tx;
        await rawQueryInTx(tx, Prisma.sql`CREATE TEMP TABLE raw_rollback_probe (id int)`);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(usesTransactionConnection(kept!)).toBe(false);
    // Through Prisma, which refuses a transaction that is over.
    await expect(rawQueryInTx(kept!, Prisma.sql`SELECT 1`)).rejects.toThrow();
    // Outside a transaction: the pool, without Prisma's runtime.
    expect(await rawQuery<{ one: number }>(Prisma.sql`SELECT 1::int AS one`)).toEqual([{ one: 1 }]);
  });

  it("concurrent transactions each get their own connection", async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        transactionWithConnection(async (tx) => {
          const [viaPrisma] = await tx.$queryRaw<{ xid: string }[]>`SELECT txid_current()::text AS xid`;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
          const [raw] = await rawQueryInTx<{ xid: string }>(tx, Prisma.sql`SELECT txid_current()::text AS xid`);
          return { fast: usesTransactionConnection(tx), same: raw.xid === viaPrisma.xid, xid: raw.xid };
        }),
      ),
    );
    expect(outcomes.every((o) => o.same)).toBe(true);
    expect(new Set(outcomes.map((o) => o.xid)).size).toBe(20);
    // The pool has 10 connections by default: some transactions waited for one, and still got their own.
    expect(outcomes.filter((o) => o.fast).length).toBeGreaterThan(0);
  });

  it("plain prisma.$transaction is untouched", async () => {
    await prisma.$transaction(async (tx) => {
      expect(usesTransactionConnection(tx)).toBe(false);
    });
  });
});
