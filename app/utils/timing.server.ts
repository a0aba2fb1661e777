import { randomInt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

export { sleep };

/**
 * Runs `work` and answers no sooner than a random 200–400 ms after the start, so the response time
 * does not tell whether the work found anything (e.g. whether an email has an account).
 */
export async function withEqualizedTiming<T>(work: () => Promise<T>, minMs = 200, jitterMs = 200): Promise<T> {
  const deadline = Date.now() + minMs + randomInt(0, jitterMs + 1);
  try {
    return await work();
  } finally {
    const remaining = deadline - Date.now();
    if (remaining > 0) await sleep(remaining);
  }
}
