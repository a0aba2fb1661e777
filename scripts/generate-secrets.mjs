// npm run secrets:generate: prints strong values (32 random bytes, base64url) for the app's secrets.
// See docs/runbooks/secret-rotation.md.
//
//   npm run secrets:generate                                   SESSION_SECRET, PAY_LINK_SECRET, JWT_SECRET
//   npm run secrets:generate -- POSTMARK_WEBHOOK_PASSWORD      one named secret, as NAME=value
//   npm run secrets:generate -- PAY_LINK_SECRET --value        the bare value (for a secret manager)
//   npm run secrets:generate -- SESSION_SECRET --rotate        new value prepended to the current list
//                                                              (read from the environment or .env)
import { randomBytes } from "node:crypto";
import "dotenv/config";

const DEFAULT = ["SESSION_SECRET", "PAY_LINK_SECRET", "JWT_SECRET"];
const NAMED = [...DEFAULT, "POSTMARK_WEBHOOK_PASSWORD"];
// Comma-separated lists: the first entry signs, every entry verifies.
const LISTS = ["SESSION_SECRET", "JWT_SECRET"];

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith("--"));
const bare = args.includes("--value");
const rotate = args.includes("--rotate");

function fail(message) {
  console.error(message);
  process.exit(1);
}

const unknown = names.filter((n) => !NAMED.includes(n));
if (unknown.length) fail(`Unknown secret ${unknown.join(", ")}. Known: ${NAMED.join(", ")}.`);
if ((bare || rotate) && names.length !== 1) fail("--value and --rotate take exactly one secret name.");
if (rotate && !LISTS.includes(names[0])) {
  fail(`${names[0]} is a single value, not a list: rotating it replaces it (see docs/runbooks/secret-rotation.md).`);
}

const fresh = () => randomBytes(32).toString("base64url");

for (const name of names.length ? names : DEFAULT) {
  let value = fresh();
  if (rotate) {
    const current = (process.env[name] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (!current.length) fail(`${name} is not set in the environment or .env: nothing to rotate from.`);
    value = [value, ...current].join(",");
  }
  console.log(bare ? value : `${name}=${value}`);
}
