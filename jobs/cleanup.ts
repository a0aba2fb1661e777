// Cron: delete expired sessions, spent reset tokens, old rate-limit rows (app/models/cleanup.server.ts).
import { cleanupExpired } from "~/models/cleanup.server";
import { scheduledTask } from "./lock";

export default scheduledTask(
  "cleanup",
  (now) => cleanupExpired(now),
  (removed) => JSON.stringify(removed),
);
