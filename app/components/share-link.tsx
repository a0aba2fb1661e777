// The customer's pay link on the contractor's invoice page: select-and-copy works without JavaScript
// (a read-only field), the Copy button appears once JavaScript runs, a text message opens through an
// sms: link, and email goes out through a plain form.
import { Form } from "@remix-run/react";
import { useEffect, useState } from "react";
import { SubmitButton } from "./forms";

/** sms: with "?&body=" is understood by both iOS and Android messaging apps. */
export function smsHref(phone: string | null, body: string) {
  return `sms:${(phone ?? "").replace(/[^\d+]/g, "")}?&body=${encodeURIComponent(body)}`;
}

export function ShareLink({ url, smsBody, phone, canEmail, emailPending }: { url: string; smsBody: string; phone: string | null; canEmail: boolean; emailPending: boolean }) {
  const [hydrated, setHydrated] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <section className="card stack" aria-labelledby="share-heading">
      <h2 id="share-heading">Customer pay link</h2>
      <p className="muted">Anyone with this link can view and pay this invoice for 60 days. Voiding the invoice turns it off.</p>
      <label htmlFor="pay-link" className="visually-hidden">
        Pay link
      </label>
      <input id="pay-link" name="pay-link" type="url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} data-testid="pay-link" />
      <div className="actions">
        {hydrated ? (
          <button
            type="button"
            className="button-small button-secondary"
            onClick={() => navigator.clipboard?.writeText(url).then(() => setCopied(true), () => setCopied(false))}
          >
            {copied ? "Copied" : "Copy link"}
          </button>
        ) : null}
        <a className="button button-small button-secondary" href={smsHref(phone, smsBody)}>
          Text it{phone ? ` to ${phone}` : ""}
        </a>
        <a className="button button-small button-secondary" href={url} target="_blank" rel="noreferrer">
          Open as customer
        </a>
        {canEmail ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="send-email" />
            <SubmitButton className="button-small" pending={emailPending}>
              Email it
            </SubmitButton>
          </Form>
        ) : null}
      </div>
    </section>
  );
}
