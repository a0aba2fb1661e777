import type { Brand } from "~/models/branding.server";
import { escapeHtml, type EmailContent } from "~/utils/email.server";
import { brandedHtml } from "./brand.server";

export function estimateSentEmail(input: {
  businessName: string;
  customerName: string;
  estimateNumber: string;
  total: string;
  url: string;
  /** The business's logo and accent (issue 14); none keeps the plain look. */
  brand?: Brand | null;
}): EmailContent {
  const subject = `Estimate ${input.estimateNumber} from ${input.businessName}`;
  const text = [
    `Hi ${input.customerName},`,
    "",
    `${input.businessName} sent you estimate ${input.estimateNumber} for ${input.total}.`,
    `Review it and approve or decline here: ${input.url}`,
    "",
    "The link works for 60 days.",
  ].join("\n");
  const html = `<p>Hi ${escapeHtml(input.customerName)},</p>
<p>${escapeHtml(input.businessName)} sent you estimate ${escapeHtml(input.estimateNumber)} for <strong>${escapeHtml(input.total)}</strong>.</p>
<p><a href="${escapeHtml(input.url)}">Review and approve the estimate</a></p>
<p>The link works for 60 days.</p>`;
  return { subject, text, html: brandedHtml(input.businessName, input.brand, html) };
}
