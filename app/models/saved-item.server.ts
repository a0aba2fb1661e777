// Saved items, the contractor's price book (issue 14): listed and edited under Settings → Items, searched
// from the invoice and estimate editor. Every query carries businessId in its where clause, so another
// business's item id behaves like a missing one (404).
import { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { DomainError, notFound, requirePlausibleId } from "./errors.server";
import { ITEM_QUERY_MAX, type SavedItemInput } from "./saved-item-form";

export const ITEM_LIST_LIMIT = 200;
const ITEM_SEARCH_LIMIT = 8;

const itemSelect = { id: true, name: true, description: true, unitPriceCents: true, taxable: true, updatedAt: true } as const;
export type SavedItemRow = Prisma.SavedItemGetPayload<{ select: typeof itemSelect }>;

/** Search text as typed, made safe: no control characters (a NUL Postgres refuses), bounded length. */
export function normalizeItemQuery(q: unknown) {
  return (typeof q === "string" ? q : "")
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .trim()
    .slice(0, ITEM_QUERY_MAX)
    .trim();
}

/** The items whose name or description contains `q` (any case), by name; all of them for an empty q. */
export async function searchSavedItems(businessId: string, q: unknown, take = ITEM_SEARCH_LIMIT) {
  const query = normalizeItemQuery(q);
  // Prisma sends `contains` as ILIKE '%…%' without escaping its wildcards, so "%" or "_" would match
  // everything; backslash is Postgres's default LIKE escape (as in listCustomers).
  const contains = query.replace(/[\\%_]/g, "\\$&");
  return prisma.savedItem.findMany({
    where: {
      businessId,
      ...(query ? { OR: [{ name: { contains, mode: "insensitive" } }, { description: { contains, mode: "insensitive" } }] } : {}),
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take,
    select: itemSelect,
  });
}

export async function getSavedItem(businessId: string, id: string) {
  requirePlausibleId(id, "Item");
  const item = await prisma.savedItem.findFirst({ where: { id, businessId }, select: itemSelect });
  return item ?? notFound("Item not found");
}

function data(input: SavedItemInput) {
  return { name: input.name, description: input.description ?? null, unitPriceCents: input.unitPrice, taxable: input.taxable };
}

function duplicateName(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new DomainError(`You already have an item named “${name}”`, "name");
  }
  throw error;
}

export async function createSavedItem(businessId: string, input: SavedItemInput) {
  try {
    return await prisma.savedItem.create({ data: { businessId, ...data(input) }, select: itemSelect });
  } catch (error) {
    duplicateName(error, input.name);
  }
}

export async function updateSavedItem(businessId: string, id: string, input: SavedItemInput) {
  requirePlausibleId(id, "Item");
  try {
    const { count } = await prisma.savedItem.updateMany({ where: { id, businessId }, data: data(input) });
    if (!count) notFound("Item not found");
  } catch (error) {
    duplicateName(error, input.name);
  }
}

export async function deleteSavedItem(businessId: string, id: string) {
  requirePlausibleId(id, "Item");
  const { count } = await prisma.savedItem.deleteMany({ where: { id, businessId } });
  if (!count) notFound("Item not found");
}
