import type { Brand } from "~/models/branding.server";
import { escapeHtml, type EmailContent } from "~/utils/email.server";
import { brandedHtml } from "./brand.server";

export function receiptEmail(input: {
  businessName: string;
  customerName: string;
  invoiceNumber: string;
  amount: string;
  paidWith: string;
  paidOn: string;
  balance: string | null;
  url: string;
  /** The business's logo and accent (issue 14); none keeps the plain look. */
  brand?: Brand | null;
}): EmailContent {
  const subject = `Receipt for your payment of ${input.amount} to ${input.businessName}`;
  const remaining = input.balance ? `${input.balance} is still due on this invoice.` : "This invoice is paid in full. Thank you!";
  const text = [
    `Hi ${input.customerName},`,
    "",
    `${input.businessName} received your payment of ${input.amount} for invoice ${input.invoiceNumber}.`,
    `Paid with: ${input.paidWith}`,
    `Date: ${input.paidOn}`,
    "",
    remaining,
    `View the invoice: ${input.url}`,
  ].join("\n");
  const html = `<p>Hi ${escapeHtml(input.customerName)},</p>
<p>${escapeHtml(input.businessName)} received your payment of <strong>${escapeHtml(input.amount)}</strong> for invoice ${escapeHtml(input.invoiceNumber)}.</p>
<table role="presentation"><tr><td>Paid with</td><td>${escapeHtml(input.paidWith)}</td></tr><tr><td>Date</td><td>${escapeHtml(input.paidOn)}</td></tr></table>
<p>${escapeHtml(remaining)}</p>
<p><a href="${escapeHtml(input.url)}">View the invoice</a></p>`;
  return { subject, text, html: brandedHtml(input.businessName, input.brand, html) };
}
