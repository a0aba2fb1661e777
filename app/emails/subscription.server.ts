// Emails about Invoice Link's own subscription, sent to the business owner (never to customers): the
// trial ends soon, a payment failed, the subscription was cancelled. Links go to our own pages, which
// sign the owner in and then open Stripe (the portal link is made fresh on each click; Stripe's expire).
import { escapeHtml, type EmailContent } from "~/utils/email.server";

const wrap = (paragraphs: string[], link: { url: string; label: string }): Omit<EmailContent, "subject"> => ({
  text: [...paragraphs, "", `${link.label}: ${link.url}`].join("\n"),
  html: `${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}\n<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`,
});

export function trialEndingEmail(input: { ownerName: string; businessName: string; trialEndsOn: string; daysLeft: number; url: string }): EmailContent {
  const days = `${input.daysLeft} day${input.daysLeft === 1 ? "" : "s"}`;
  return {
    subject: `Your Invoice Link trial ends in ${days}`,
    ...wrap(
      [
        `Hi ${input.ownerName},`,
        `The free trial of ${input.businessName} on Invoice Link ends on ${input.trialEndsOn}. After that the account becomes read-only: your invoices, customers and payments stay, and your customers can still pay the links you sent, but nothing new can be created or sent.`,
        "Choose a monthly or yearly plan to keep going.",
      ],
      { url: input.url, label: "Choose a plan" },
    ),
  };
}

export function paymentFailedEmail(input: { ownerName: string; businessName: string; amount: string; nextAttempt: string | null; url: string }): EmailContent {
  return {
    subject: "Your Invoice Link payment failed",
    ...wrap(
      [
        `Hi ${input.ownerName},`,
        `We could not charge your card ${input.amount} for the Invoice Link subscription of ${input.businessName}.`,
        input.nextAttempt
          ? `Stripe will try again on ${input.nextAttempt}. Everything keeps working meanwhile; please update your card before then.`
          : "Please update your card: until the subscription is paid, the account is read-only.",
      ],
      { url: input.url, label: "Update your card" },
    ),
  };
}

export function subscriptionCanceledEmail(input: { ownerName: string; businessName: string; url: string }): EmailContent {
  return {
    subject: "Your Invoice Link subscription was cancelled",
    ...wrap(
      [
        `Hi ${input.ownerName},`,
        `The Invoice Link subscription of ${input.businessName} has ended. The account is read-only now: your data stays, you can export it at any time, and your customers can still pay the links you sent.`,
        "You can subscribe again whenever you like.",
      ],
      { url: input.url, label: "Subscribe again" },
    ),
  };
}
