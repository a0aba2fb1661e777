// What each subscription state allows (deriveBillingState is pure: the row, the trial, the clock).
import { describe, expect, it } from "vitest";
import { deriveBillingState } from "./subscription.server";

const DAY = 86_400_000;
const now = new Date("2026-12-03T12:00:00Z");
const createdDaysAgo = (days: number) => new Date(now.getTime() - days * DAY);
const row = (status: string | null, extra: Record<string, unknown> = {}) => ({
  status,
  stripeCustomerId: "cus_1",
  stripeSubscriptionId: status ? "sub_1" : null,
  priceId: "price_m",
  interval: "month",
  currentPeriodEnd: new Date(now.getTime() + 20 * DAY),
  cancelAtPeriodEnd: false,
  cancelAt: null,
  endedAt: null,
  stripeTrialEnd: null,
  lastPaymentFailedAt: null,
  ...extra,
});
const prices = [{ id: "monthly" as const, priceId: "price_m", label: "Monthly" }];
const state = (sub: ReturnType<typeof row> | null, days: number, enabled = true) =>
  deriveBillingState({
    enabled,
    businessCreatedAt: createdDaysAgo(days),
    trialDays: 14,
    sub,
    prices,
    now,
  });

describe("deriveBillingState", () => {
  it("is free with no plans configured, whatever the state", () => {
    for (const status of [null, "unpaid", "canceled"])
      expect(state(row(status), 400, false)).toMatchObject({
        access: "free",
        readOnlyReason: null,
        trialEndsAt: null,
      });
  });

  it("gives a new business its trial, then read-only when it ends without a plan", () => {
    expect(state(null, 0)).toMatchObject({
      access: "trial",
      trialDaysLeft: 14,
    });
    expect(state(null, 11.5)).toMatchObject({
      access: "trial",
      trialDaysLeft: 3,
    });
    expect(state(null, 14)).toMatchObject({
      access: "read_only",
      readOnlyReason: "trial_ended",
      trialDaysLeft: 0,
    });
  });

  it("allows everything when trialing or active, with a banner when past due", () => {
    expect(state(row("active"), 100)).toMatchObject({
      access: "active",
      plan: "monthly",
      hasLiveSubscription: true,
    });
    expect(state(row("trialing"), 3)).toMatchObject({ access: "active" });
    expect(state(row("past_due"), 100)).toMatchObject({
      access: "past_due",
      readOnlyReason: null,
    });
  });

  it("is read-only when unpaid (or paused), and when cancelled after the trial", () => {
    expect(state(row("unpaid"), 100)).toMatchObject({
      access: "read_only",
      readOnlyReason: "unpaid",
      hasLiveSubscription: true,
    });
    expect(state(row("paused"), 100)).toMatchObject({
      access: "read_only",
      readOnlyReason: "unpaid",
    });
    expect(state(row("canceled"), 100)).toMatchObject({
      access: "read_only",
      readOnlyReason: "canceled",
      hasLiveSubscription: false,
    });
  });

  it("falls back to the app's trial for a subscription that ended or never started", () => {
    expect(state(row("canceled"), 5)).toMatchObject({ access: "trial" });
    expect(state(row("incomplete_expired"), 5)).toMatchObject({
      access: "trial",
    });
    expect(state(row("incomplete"), 20)).toMatchObject({
      access: "read_only",
      readOnlyReason: "trial_ended",
    });
  });
});
