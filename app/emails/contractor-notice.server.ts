// Emails to the contractor about their own documents (issue 14): an estimate approved or declined on the
// customer's link, an invoice paid in full. Short, with a link into the app.
import { escapeHtml, type EmailContent } from "~/utils/email.server";

export function estimateDecisionEmail(input: {
  decision: "approved" | "declined";
  customerName: string;
  estimateNumber: string;
  total: string;
  signedBy: string | null;
  url: string;
}): EmailContent {
  const subject = `${input.customerName} ${input.decision} estimate ${input.estimateNumber}`;
  const signed = input.signedBy ? ` Signed by ${input.signedBy}.` : "";
  const body =
    input.decision === "approved"
      ? `${input.customerName} approved estimate ${input.estimateNumber} for ${input.total}.${signed} Convert it to an invoice when the work is done.`
      : `${input.customerName} declined estimate ${input.estimateNumber} (${input.total}). You can edit it and send it again.`;
  const text = [body, "", `Open the estimate: ${input.url}`].join("\n");
  const html = `<p>${escapeHtml(body)}</p>
<p><a href="${escapeHtml(input.url)}">Open the estimate</a></p>`;
  return { subject, text, html };
}

export function invoicePaidEmail(input: { customerName: string; invoiceNumber: string; total: string; url: string }): EmailContent {
  const subject = `Invoice ${input.invoiceNumber} is paid`;
  const body = `${input.customerName} paid invoice ${input.invoiceNumber} in full (${input.total}).`;
  const text = [body, "", `Open the invoice: ${input.url}`].join("\n");
  const html = `<p>${escapeHtml(body)}</p>
<p><a href="${escapeHtml(input.url)}">Open the invoice</a></p>`;
  return { subject, text, html };
}
