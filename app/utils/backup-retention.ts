// Which database backups to keep (scripts/db-backup.ts prunes the rest; docs/runbooks/backups.md).
// Grandfather-father-son: the newest backup of each of the last N days, ISO weeks and months that
// have one, all in UTC. A backup may count for several periods at once; the newest is always kept.
// Pure, so the policy is unit-tested without touching a disk.

export type RetentionPolicy = { daily: number; weekly: number; monthly: number };

export const DEFAULT_RETENTION: RetentionPolicy = { daily: 7, weekly: 4, monthly: 12 };

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const monthKey = (d: Date) => d.toISOString().slice(0, 7);

/** ISO 8601 week ("2025-W01"): weeks start on Monday and belong to the year of their Thursday. */
export function isoWeekKey(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${pad(week)}`;
}

/** Splits backups into the ones the policy keeps and the ones it lets go (both newest first). */
export function planPruning<T extends { takenAt: Date }>(backups: readonly T[], policy: RetentionPolicy = DEFAULT_RETENTION): { keep: T[]; prune: T[] } {
  const newestFirst = [...backups].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
  const kept = new Set<T>();
  if (newestFirst.length) kept.add(newestFirst[0]);
  const keepNewestPer = (count: number, key: (d: Date) => string) => {
    const seen = new Set<string>();
    for (const backup of newestFirst) {
      if (seen.size >= count) break;
      const k = key(backup.takenAt);
      if (seen.has(k)) continue;
      seen.add(k);
      kept.add(backup);
    }
  };
  keepNewestPer(policy.daily, dayKey);
  keepNewestPer(policy.weekly, isoWeekKey);
  keepNewestPer(policy.monthly, monthKey);
  return { keep: newestFirst.filter((b) => kept.has(b)), prune: newestFirst.filter((b) => !kept.has(b)) };
}

/** "7 daily, 4 weekly and 12 monthly" */
export function describeRetention(policy: RetentionPolicy = DEFAULT_RETENTION) {
  return `${policy.daily} daily, ${policy.weekly} weekly and ${policy.monthly} monthly`;
}
