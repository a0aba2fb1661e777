// npm run secrets:generate: prints strong values for every secret in .env.example (32 random bytes each).
import { randomBytes } from "node:crypto";

for (const name of ["SESSION_SECRET", "PAY_LINK_SECRET", "JWT_SECRET"]) {
  console.log(`${name}=${randomBytes(32).toString("base64url")}`);
}
