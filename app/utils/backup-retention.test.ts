import { describe, expect, it } from "vitest";
import { DEFAULT_RETENTION, isoWeekKey, planPruning } from "./backup-retention";

const DAY = 86_400_000;
/** One backup a day at 03:00 UTC for `days` days, ending on `last`. */
function dailyBackups(days: number, last = "2025-06-30") {
  const end = new Date(`${last}T03:00:00Z`).getTime();
  return Array.from({ length: days }, (_, i) => ({ name: new Date(end - i * DAY).toISOString().slice(0, 10), takenAt: new Date(end - i * DAY) }));
}
const names = (list: { name: string }[]) => list.map((b) => b.name);

describe("isoWeekKey", () => {
  it("follows ISO 8601 at year boundaries", () => {
    expect(isoWeekKey(new Date("2024-12-30T12:00:00Z"))).toBe("2025-W01"); // Monday of week 1 of 2025
    expect(isoWeekKey(new Date("2025-01-05T23:59:59Z"))).toBe("2025-W01"); // its Sunday
    expect(isoWeekKey(new Date("2021-01-03T00:00:00Z"))).toBe("2020-W53");
    expect(isoWeekKey(new Date("2025-06-30T03:00:00Z"))).toBe("2025-W27");
  });
});

describe("planPruning", () => {
  it("keeps nothing extra when there are fewer backups than the policy allows", () => {
    const backups = dailyBackups(5);
    expect(planPruning(backups)).toEqual({ keep: backups, prune: [] });
    expect(planPruning([])).toEqual({ keep: [], prune: [] });
  });

  it("a year of daily backups: the last 7 days, the newest of the last 4 weeks and of the last 12 months", () => {
    const backups = dailyBackups(400);
    const { keep, prune } = planPruning(backups, DEFAULT_RETENTION);
    expect(names(keep)).toEqual([
      // daily (2025-06-30 is a Monday: it is also week 27's newest, and June's)
      "2025-06-30",
      "2025-06-29",
      "2025-06-28",
      "2025-06-27",
      "2025-06-26",
      "2025-06-25",
      "2025-06-24",
      // weekly: the Sundays ending weeks 26 (already kept), 25, 24
      "2025-06-22",
      "2025-06-15",
      // monthly: the last day of each earlier month, back to July 2024
      "2025-05-31",
      "2025-04-30",
      "2025-03-31",
      "2025-02-28",
      "2025-01-31",
      "2024-12-31",
      "2024-11-30",
      "2024-10-31",
      "2024-09-30",
      "2024-08-31",
      "2024-07-31",
    ]);
    expect(keep.length + prune.length).toBe(400);
    expect(prune.every((b) => !keep.includes(b))).toBe(true);
  });

  it("keeps the newest of several backups taken on the same day", () => {
    const day = (h: number) => ({ name: `h${h}`, takenAt: new Date(`2025-03-10T${String(h).padStart(2, "0")}:00:00Z`) });
    const { keep, prune } = planPruning([day(1), day(13), day(7)], { daily: 1, weekly: 0, monthly: 0 });
    expect(names(keep)).toEqual(["h13"]);
    expect(names(prune)).toEqual(["h7", "h1"]);
  });

  it("counts periods that have a backup, so a gap does not shorten how far back the policy reaches", () => {
    // Backups only every third day: 7 daily keeps span three weeks.
    const backups = dailyBackups(60).filter((_, i) => i % 3 === 0);
    const { keep } = planPruning(backups, { daily: 7, weekly: 0, monthly: 0 });
    expect(keep).toEqual(backups.slice(0, 7));
  });

  it("always keeps the newest backup, even with an all-zero policy", () => {
    const backups = dailyBackups(3);
    expect(names(planPruning(backups, { daily: 0, weekly: 0, monthly: 0 }).keep)).toEqual(["2025-06-30"]);
  });

  it("does not depend on the order it is given", () => {
    const backups = dailyBackups(120);
    const shuffled = [...backups].sort((a, b) => (a.name.split("").reverse().join("") < b.name.split("").reverse().join("") ? -1 : 1));
    expect(names(planPruning(shuffled).keep)).toEqual(names(planPruning(backups).keep));
  });
});
