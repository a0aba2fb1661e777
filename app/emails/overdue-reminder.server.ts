import type { Brand } from "~/models/branding.server";
import { escapeHtml, type EmailContent } from "~/utils/email.server";
import { brandedHtml } from "./brand.server";

export function overdueReminderEmail(input: {
  businessName: string;
  customerName: string;
  invoiceNumber: string;
  balance: string;
  dueDate: string;
  daysOverdue: number;
  url: string;
  /** The business's logo and accent (issue 14); none keeps the plain look. */
  brand?: Brand | null;
}): EmailContent {
  const days = `${input.daysOverdue} day${input.daysOverdue === 1 ? "" : "s"}`;
  const subject = `Reminder: invoice ${input.invoiceNumber} from ${input.businessName} is ${days} overdue`;
  const text = [
    `Hi ${input.customerName},`,
    "",
    `A friendly reminder that invoice ${input.invoiceNumber} from ${input.businessName} was due on ${input.dueDate}. ${input.balance} is still open.`,
    `You can pay it online here: ${input.url}`,
    "",
    `If you have already paid, thank you, and please ignore this message.`,
  ].join("\n");
  const html = `<p>Hi ${escapeHtml(input.customerName)},</p>
<p>A friendly reminder that invoice ${escapeHtml(input.invoiceNumber)} from ${escapeHtml(input.businessName)} was due on ${escapeHtml(input.dueDate)}. <strong>${escapeHtml(input.balance)}</strong> is still open.</p>
<p><a href="${escapeHtml(input.url)}">View and pay the invoice</a></p>
<p>If you have already paid, thank you, and please ignore this message.</p>`;
  return { subject, text, html: brandedHtml(input.businessName, input.brand, html) };
}
