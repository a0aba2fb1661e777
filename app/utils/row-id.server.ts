// Ids for rows written with set-based SQL (INSERT ... SELECT), where Prisma's @default(cuid()) does not
// run: the same shape (25 lower-case characters starting with "c": time, a counter, randomness), so
// they sort and read like the ids Prisma makes.
import { randomBytes } from "node:crypto";

let counter = 0;

export function newRowId(): string {
  counter = (counter + 1) % 1_679_616; // 36^4
  const time = Date.now().toString(36).padStart(8, "0").slice(-8);
  const count = counter.toString(36).padStart(4, "0");
  const random = BigInt(`0x${randomBytes(8).toString("hex")}`)
    .toString(36)
    .padStart(12, "0")
    .slice(-12);
  return `c${time}${count}${random}`;
}
