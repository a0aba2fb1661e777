import type { Brand } from "~/models/branding.server";
import { escapeHtml, type EmailContent } from "~/utils/email.server";
import { brandedHtml } from "./brand.server";

export function invoiceSentEmail(input: {
  businessName: string;
  customerName: string;
  invoiceNumber: string;
  amountDue: string;
  dueDate: string;
  url: string;
  /** The business's logo and accent (issue 14); none keeps the plain look. */
  brand?: Brand | null;
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
  return { subject, text, html: brandedHtml(input.businessName, input.brand, html) };
}
