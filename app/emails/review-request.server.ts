import { escapeHtml, type EmailContent } from "~/utils/email.server";

export function reviewRequestEmail(input: { businessName: string; customerName: string; reviewUrl: string }): EmailContent {
  const subject = `How did ${input.businessName} do?`;
  const text = [
    `Hi ${input.customerName},`,
    "",
    `Thank you for choosing ${input.businessName}. If you have a minute, a short review helps a small business a lot:`,
    input.reviewUrl,
    "",
    `Thank you!`,
  ].join("\n");
  const html = `<p>Hi ${escapeHtml(input.customerName)},</p>
<p>Thank you for choosing ${escapeHtml(input.businessName)}. If you have a minute, a short review helps a small business a lot.</p>
<p><a href="${escapeHtml(input.reviewUrl)}">Leave a review</a></p>
<p>Thank you!</p>`;
  return { subject, text, html };
}
