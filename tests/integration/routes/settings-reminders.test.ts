// Settings → Reminders, its action called directly on the test database: bad input is a 400 with the
// field's message and changes nothing; good input saves, redirects back and flashes a confirmation;
// without a session nothing is read or written.
import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action } from "~/routes/settings+/reminders";
import { createAccount, sessionCookieFor } from "../../helpers/accounts";
import { callRoute, postRequest } from "../../helpers/route-calls";

async function signedIn() {
  const { user, business } = await createAccount();
  return { business, cookie: await sessionCookieFor(user) };
}

const reminderSettings = (businessId: string) =>
  prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { remindersEnabled: true, reminderDays: true } });

describe("reminder settings action", () => {
  it.each([
    ["a zero day", "0"],
    ["a day past a year", "366"],
    ["words", "soon"],
    ["more than six days", "1, 2, 3, 4, 5, 6, 7"],
  ])("refuses %s with a 400 naming the rule, and saves nothing", async (_, reminderDays) => {
    const { business, cookie } = await signedIn();
    const before = await reminderSettings(business.id);
    const response = await callRoute(action, { request: postRequest("/settings/reminders", { remindersEnabled: "on", reminderDays }, { cookie }) });
    expect(response).toHaveStatus(400);
    await expect(response).toHaveErrorText("Enter up to 6 whole numbers of days from 1 to 365, such as 1, 7, 14");
    expect(await reminderSettings(business.id)).toEqual(before);
  });

  it("saves good input, then redirects back with a confirmation", async () => {
    const { business, cookie } = await signedIn();
    const response = await callRoute(action, { request: postRequest("/settings/reminders", { remindersEnabled: "on", reminderDays: "3, 10" }, { cookie }) });
    expect(response).toHaveRedirect("/settings/reminders");
    await expect(response).toHaveFlash({ kind: "success", message: "Reminder settings saved." });
    expect(await reminderSettings(business.id)).toEqual({ remindersEnabled: true, reminderDays: [3, 10] });
  });

  it("an unticked box turns reminders off", async () => {
    const { business, cookie } = await signedIn();
    const response = await callRoute(action, { request: postRequest("/settings/reminders", { reminderDays: "1, 7, 14" }, { cookie }) });
    expect(response).toHaveRedirect("/settings/reminders");
    expect(await reminderSettings(business.id)).toMatchObject({ remindersEnabled: false });
  });

  it("without a session redirects to the login and writes nothing", async () => {
    const { business } = await signedIn();
    const before = await reminderSettings(business.id);
    const response = await callRoute(action, { request: postRequest("/settings/reminders", { remindersEnabled: "on", reminderDays: "2" }) });
    expect(response).toHaveRedirect(`/login?redirectTo=${encodeURIComponent("/settings/reminders")}`);
    expect(await reminderSettings(business.id)).toEqual(before);
  });
});
