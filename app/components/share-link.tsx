// The customer's link on the contractor's invoice or estimate page: select-and-copy works without JavaScript
// (a read-only field), the Copy button appears once JavaScript runs, a text message opens through an
// sms: link, and email goes out through a plain form.
import { Form } from "@remix-run/react";
import { useEffect, useState } from "react";
import { SubmitButton } from "./forms";

/** sms: with "?&body=" is understood by both iOS and Android messaging apps. */
function smsHref(phone: string | null, body: string) {
  return `sms:${(phone ?? "").replace(/[^\d+]/g, "")}?&body=${encodeURIComponent(body)}`;
}

export function ShareLink({
  url,
  smsBody,
  phone,
  canEmail,
  emailPending,
  heading = "Customer pay link",
  description = "Anyone with this link can view and pay this invoice for 60 days. Voiding the invoice turns it off.",
  emailIntent = "send-email",
  testId = "pay-link",
  openHref = url,
  openTestId,
}: {
  url: string;
  smsBody: string;
  phone: string | null;
  canEmail: boolean;
  emailPending: boolean;
  heading?: string;
  description?: string;
  /** The page action's intent that emails the link. */
  emailIntent?: string;
  testId?: string;
  /** "Open as customer" (same page; a relative path keeps the contractor on this host). */
  openHref?: string;
  openTestId?: string;
}) {
  const [hydrated, setHydrated] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <section className="card stack" aria-labelledby="share-heading">
      <h2 id="share-heading">{heading}</h2>
      <p className="muted">{description}</p>
      <label htmlFor="share-link" className="visually-hidden">
        {heading}
      </label>
      <input id="share-link" name="share-link" type="url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} data-testid={testId} />
      <div className="actions">
        {hydrated ? (
          <button
            type="button"
            className="button-small button-secondary"
            onClick={() =>
              navigator.clipboard?.writeText(url).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? "Copied" : "Copy link"}
          </button>
        ) : null}
        <a className="button button-small button-secondary" href={smsHref(phone, smsBody)}>
          Text it{phone ? ` to ${phone}` : ""}
        </a>
        <a className="button button-small button-secondary" href={openHref} target="_blank" rel="noreferrer" data-testid={openTestId}>
          Open as customer
        </a>
        {canEmail ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value={emailIntent} />
            <SubmitButton className="button-small" pending={emailPending}>
              Email it
            </SubmitButton>
          </Form>
        ) : null}
      </div>
    </section>
  );
}
