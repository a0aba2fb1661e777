// The invoice list's name search (issue 17): text of three characters or more finds the matching
// customers through the trigram index first, shorter text filters through the join; both give the
// same answer, stay inside the business, and treat % and _ as text.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createInvoice, listInvoices } from "~/models/invoice.server";
import { prisma } from "~/utils/db.server";
import { createAccount } from "../helpers/accounts";
import { documentInput, makeCustomer } from "../helpers/business-data";

const TODAY = "2026-12-03";

async function business(names: string[]) {
  const { business } = await createAccount({ businessName: `Search ${randomBytes(3).toString("hex")}` });
  const ids: Record<string, string> = {};
  for (const name of names) {
    const customer = await makeCustomer(business.id, { name });
    ids[name] = (
      await createInvoice(business.id, await documentInput({ customerId: customer.id, lines: [{ description: "Job", quantity: "1", unitPrice: "10.00" }] }))
    ).id;
  }
  return { businessId: business.id, ids };
}

const search = async (businessId: string, q: string) => (await listInvoices(businessId, { q }, TODAY)).invoices.map((i) => i.customer.name);

describe("invoice name search", () => {
  it("finds names containing the text, any case, newest first, in this business only", async () => {
    const mine = await business(["Olivia Park", "Ana Silva", "Oliver Stone", "Dan Olivares"]);
    await business(["Olivia Elsewhere"]);
    expect(await search(mine.businessId, "oliv")).toEqual(["Dan Olivares", "Oliver Stone", "Olivia Park"]);
    expect(await search(mine.businessId, "OLIVIA")).toEqual(["Olivia Park"]);
    // Two characters: no trigram, the join path; same rules.
    expect(await search(mine.businessId, "ol")).toEqual(["Dan Olivares", "Oliver Stone", "Olivia Park"]);
    expect(await search(mine.businessId, "nobody")).toEqual([]);
  });

  it("treats % and _ as text", async () => {
    const mine = await business(["100% Roofing", "A_B Electric", "AXB Electric"]);
    expect(await search(mine.businessId, "100%")).toEqual(["100% Roofing"]);
    expect(await search(mine.businessId, "a_b")).toEqual(["A_B Electric"]);
    expect(await search(mine.businessId, "%")).toEqual(["100% Roofing"]);
  });

  it("can answer the customer lookup from the trigram index", async () => {
    await business(["Olivia Park"]);
    // Tiny test tables are read sequentially; forbid that to see that the index serves the query shape.
    const plan = await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN SELECT id FROM "Customer" WHERE name ILIKE '%' || $1 || '%'`, "oliv");
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("Customer_name_trgm_idx");
  });
});
