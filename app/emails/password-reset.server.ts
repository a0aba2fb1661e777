import { escapeHtml, type EmailContent } from "~/utils/email.server";

export function passwordResetEmail({ name, resetUrl }: { name: string; resetUrl: string }): EmailContent {
  const subject = "Reset your Invoice Link password";
  const text = [
    `Hi ${name},`,
    "",
    "Someone (hopefully you) asked to reset the password of your Invoice Link account.",
    `Open this link within one hour to choose a new password: ${resetUrl}`,
    "",
    "If you did not ask for this, ignore this email: your password stays the same.",
  ].join("\n");
  const html = `<p>Hi ${escapeHtml(name)},</p>
<p>Someone (hopefully you) asked to reset the password of your Invoice Link account.</p>
<p><a href="${escapeHtml(resetUrl)}">Choose a new password</a> (the link works once, for one hour).</p>
<p>If you did not ask for this, ignore this email: your password stays the same.</p>`;
  return { subject, text, html };
}
