import { escapeHtml, type EmailContent } from "~/utils/email.server";

export function invoiceSentEmail(input: {
  businessName: string;
  customerName: string;
  invoiceNumber: string;
  amountDue: string;
  dueDate: string;
  url: string;
}): EmailContent {
  const subject = `Invoice ${input.invoiceNumber} from ${input.businessName}: ${input.amountDue} due ${input.dueDate}`;
  const text = [
    `Hi ${input.customerName},`,
    "",
    `${input.businessName} sent you invoice ${input.invoiceNumber}. Amount due: ${input.amountDue}, by ${input.dueDate}.`,
    `View and pay it here: ${input.url}`,
    "",
    "The link works for 60 days.",
  ].join("\n");
  const html = `<p>Hi ${escapeHtml(input.customerName)},</p>
<p>${escapeHtml(input.businessName)} sent you invoice ${escapeHtml(input.invoiceNumber)}. Amount due: <strong>${escapeHtml(input.amountDue)}</strong>, by ${escapeHtml(input.dueDate)}.</p>
<p><a href="${escapeHtml(input.url)}">View and pay the invoice</a></p>
<p>The link works for 60 days.</p>`;
  return { subject, text, html };
}
