// Cron: delete expired sessions, spent reset tokens, old rate-limit rows (app/models/cleanup.server.ts).
import type { Task } from "graphile-worker";
import { cleanupExpired } from "~/models/cleanup.server";
import { withJobLock } from "./lock";

const cleanup: Task = async (_payload, helpers) => {
  const removed = await withJobLock(helpers, "cleanup", () => cleanupExpired());
  if (removed) helpers.logger.info(`cleanup: ${JSON.stringify(removed)}`);
};

export default cleanup;
