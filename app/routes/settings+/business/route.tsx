import type { Submission } from "@conform-to/zod/v4";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, getSelectProps, useServerForm, type FieldMetadata } from "~/components/server-form";
import { brandLinks } from "~/components/brand-header";
import { AddressSuggestions } from "~/components/address-suggestions";
import { ErrorList, Field, SubmitButton } from "~/components/forms";
import { BUSINESS_LIMITS, COMMON_TIME_ZONES, LOGO_MIME_TYPES } from "~/models/business-fields";
import type { BusinessProfileInput } from "~/models/business-form";
import { removeLogo, updateBusinessProfile } from "~/models/business.server";
import { requireBusiness } from "~/web/auth.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { formReply } from "~/web/forms.server";
import { BusinessSettingsActionSchema } from "../__forms.server";
import { logoError, readForm, uploadLogo } from "./logo.server";
import { businessSettingsPage } from "./page.server";

const PAGE = "/settings/business";

// The saved accent's brand stylesheet, for the preview beside the field (the CSP forbids inline styles).
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: "Business profile | Invoice Link" }, ...brandLinks(data?.brand)];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  return json(await businessSettingsPage(businessId));
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const read = await readForm(request);
  if ("error" in read) return logoError(read.error);
  const submission = parseWithZod(read.formData, { schema: BusinessSettingsActionSchema });
  if (submission.status !== "success") return formReply(submission.reply());
  const value = submission.value;
  switch (value.intent) {
    case "upload-logo":
      return uploadLogo(request, submission, businessId, value.logo);
    case "remove-logo":
      return removeBusinessLogo(request, businessId);
    case "save-profile": {
      const { intent: _intent, ...profile } = value;
      return saveProfile(request, submission, businessId, profile);
    }
  }
});

async function removeBusinessLogo(request: Request, businessId: string) {
  await removeLogo(businessId);
  return redirectWithFlash(request, PAGE, { kind: "success", message: "Logo removed." });
}

async function saveProfile(request: Request, submission: Submission<unknown>, businessId: string, profile: BusinessProfileInput) {
  const result = await updateBusinessProfile(businessId, profile);
  if (!result.ok) return formReply(submission.reply({ fieldErrors: result.fieldErrors }));
  return redirectWithFlash(request, PAGE, { kind: "success", message: "Business profile saved." });
}

export default function BusinessSettings() {
  const { constraint, defaultValue, currencies, currencyLocked, logoVersion, nextInvoiceNumber, nextEstimateNumber, addressAutocomplete, brand, businessName } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>()?.result;
  // One reply for the page's two forms: the logo upload's errors are on its `logo` field.
  const logoResult = result?.initialValue?.intent === "upload-logo" ? result : undefined;
  const navigation = useNavigation();
  const pendingIntent = navigation.state === "submitting" ? (navigation.formData?.get("intent") ?? "save-profile") : null;

  const [form, fields] = useServerForm({
    id: "business-profile",
    lastResult: logoResult ? undefined : result,
    defaultValue,
    constraint,
  });
  const text = (field: FieldMetadata<string | undefined>, max: number) => ({ ...getInputProps(field, { type: "text" }), maxLength: max });
  const uploadError = logoResult?.error?.logo?.[0] ?? null;
  const reviewCheckbox = getInputProps(fields.reviewRequestsEnabled, { type: "checkbox" });

  return (
    <div className="stack">
      <h1>Business profile</h1>
      <p className="muted">These details appear on your invoices, estimates and the emails your customers receive.</p>

      <section className="card stack" aria-labelledby="logo-heading">
        <h2 id="logo-heading">Logo</h2>
        {logoVersion !== null ? (
          // A height attribute, not a style: the CSP (style-src 'self') drops inline styles.
          <img src={`/settings/logo?v=${logoVersion}`} alt="Your business logo" height={80} className="logo-preview" />
        ) : (
          <p className="muted">No logo yet.</p>
        )}
        {/* Keyed by the logo's version so the file input empties after an upload (with JavaScript on). */}
        <Form key={logoVersion ?? "none"} method="post" encType="multipart/form-data" className="stack">
          <div>
            <label htmlFor="logo">{logoVersion !== null ? "Replace logo" : "Upload a logo"}</label>
            <input
              id="logo"
              name="logo"
              type="file"
              required
              accept={LOGO_MIME_TYPES.join(",")}
              aria-invalid={uploadError ? true : undefined}
              aria-describedby={uploadError ? "logo-error logo-hint" : "logo-hint"}
            />
            <p id="logo-hint" className="hint">
              PNG, JPEG or WebP, 1 MB at most.
            </p>
            <ErrorList id="logo-error" errors={uploadError ? [uploadError] : null} />
          </div>
          <div className="actions">
            <SubmitButton name="intent" value="upload-logo" pending={pendingIntent === "upload-logo"}>
              Upload logo
            </SubmitButton>
          </div>
        </Form>
        {logoVersion !== null ? (
          <Form method="post">
            <SubmitButton name="intent" value="remove-logo" className="button-secondary" pending={pendingIntent === "remove-logo"}>
              Remove logo
            </SubmitButton>
          </Form>
        ) : null}
      </section>

      <Form method="post" className="stack" {...getFormProps(form)}>
        <ErrorList id={form.errorId} errors={form.errors} />
        <input {...getInputProps(fields.nextInvoiceNumberWas, { type: "hidden" })} />
        <input {...getInputProps(fields.nextEstimateNumberWas, { type: "hidden" })} />

        <fieldset className="card stack">
          <legend>Business details</legend>
          <Field label="Business name" inputProps={{ ...text(fields.name, BUSINESS_LIMITS.name), autoComplete: "organization" }} errors={fields.name.errors} />
          <div className="grid-2">
            <Field
              label="Email"
              inputProps={{ ...getInputProps(fields.email, { type: "email" }), maxLength: BUSINESS_LIMITS.email, autoComplete: "email" }}
              errors={fields.email.errors}
            />
            <Field
              label="Phone"
              inputProps={{ ...getInputProps(fields.phone, { type: "tel" }), maxLength: BUSINESS_LIMITS.phone, autoComplete: "tel" }}
              errors={fields.phone.errors}
            />
          </div>
          <Field
            label="Website"
            inputProps={{ ...getInputProps(fields.website, { type: "url" }), maxLength: BUSINESS_LIMITS.website, placeholder: "https://" }}
            errors={fields.website.errors}
          />
        </fieldset>

        <fieldset className="card stack">
          <legend>Brand colour</legend>
          <Field
            label="Accent colour"
            inputProps={{ ...text(fields.accentColor, 7), placeholder: "#1d4ed8", pattern: "#[0-9a-fA-F]{6}", autoComplete: "off", spellCheck: false }}
            errors={fields.accentColor.errors}
            hint="Six hex digits after #, such as #1d4ed8. Used on your customers' pay and estimate pages, emails and PDFs, with black or white text, whichever reads better. Leave it empty for the standard look."
          />
          {brand.accent ? (
            <div className="brand-band" data-testid="accent-preview">
              <p className="brand">{businessName}</p>
              <span>Saved: {brand.accent}</span>
            </div>
          ) : null}
        </fieldset>

        <fieldset className="card stack">
          <legend>Address</legend>
          <Field
            label="Address line 1"
            inputProps={{ ...text(fields.addressLine1, BUSINESS_LIMITS.addressLine1), autoComplete: addressAutocomplete ? "off" : "address-line1" }}
            errors={fields.addressLine1.errors}
          />
          {addressAutocomplete ? <AddressSuggestions fields={fields} /> : null}
          <Field
            label="Address line 2"
            inputProps={{ ...text(fields.addressLine2, BUSINESS_LIMITS.addressLine2), autoComplete: "address-line2" }}
            errors={fields.addressLine2.errors}
          />
          <div className="grid-2">
            <Field label="City" inputProps={{ ...text(fields.city, BUSINESS_LIMITS.city), autoComplete: "address-level2" }} errors={fields.city.errors} />
            <Field
              label="State / province / region"
              inputProps={{ ...text(fields.region, BUSINESS_LIMITS.region), autoComplete: "address-level1" }}
              errors={fields.region.errors}
            />
            <Field
              label="Postal code"
              inputProps={{ ...text(fields.postalCode, BUSINESS_LIMITS.postalCode), autoComplete: "postal-code" }}
              errors={fields.postalCode.errors}
            />
            <Field
              label="Country"
              inputProps={{ ...text(fields.country, BUSINESS_LIMITS.country), autoComplete: "country-name" }}
              errors={fields.country.errors}
            />
          </div>
        </fieldset>

        <fieldset className="card stack">
          <legend>Money and time</legend>
          <div className="grid-2">
            <div>
              <label htmlFor={fields.currency.id}>Currency</label>
              <select
                {...getSelectProps(fields.currency)}
                aria-invalid={fields.currency.errors ? true : undefined}
                aria-describedby={`${fields.currency.id}-hint${fields.currency.errors ? ` ${fields.currency.errorId}` : ""}`}
              >
                {currencies.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.label}
                  </option>
                ))}
              </select>
              <p id={`${fields.currency.id}-hint`} className="hint">
                {currencyLocked
                  ? "Fixed: your invoices and estimates are stored in this currency."
                  : "Amounts are stored in this currency; it cannot change after your first invoice or estimate."}
              </p>
              <ErrorList id={fields.currency.errorId} errors={fields.currency.errors} />
            </div>
            <Field
              label="Time zone"
              inputProps={{ ...text(fields.timeZone, BUSINESS_LIMITS.timeZone), list: "time-zones", autoComplete: "off" }}
              errors={fields.timeZone.errors}
              hint="Pick from the list or type any IANA zone, such as America/Chicago. Used for “today” and due dates."
            />
            <datalist id="time-zones">
              {COMMON_TIME_ZONES.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
            <Field
              label="Default tax rate (%)"
              inputProps={{ ...getInputProps(fields.defaultTaxRate, { type: "text" }), inputMode: "decimal", maxLength: 12 }}
              errors={fields.defaultTaxRate.errors}
              hint="0 to 50, up to 3 decimals (8.875). Use 0 for none."
            />
            <Field
              label="Payment terms (days)"
              inputProps={{ ...getInputProps(fields.paymentTermsDays, { type: "text" }), inputMode: "numeric", maxLength: 3 }}
              errors={fields.paymentTermsDays.errors}
              hint="Days from the issue date to the due date; 0 means due on receipt."
            />
          </div>
        </fieldset>

        <fieldset className="card stack">
          <legend>Numbering</legend>
          <div className="grid-2">
            <Field
              label="Invoice prefix"
              inputProps={{ ...text(fields.invoicePrefix, BUSINESS_LIMITS.prefix), pattern: "[A-Za-z0-9\\-/]*" }}
              errors={fields.invoicePrefix.errors}
              hint="Up to 10 letters, digits, - or /."
            />
            <Field
              label="Next invoice number"
              inputProps={{ ...getInputProps(fields.nextInvoiceNumber, { type: "text" }), inputMode: "numeric", maxLength: 9 }}
              errors={fields.nextInvoiceNumber.errors}
              hint={`Can only go up (now ${nextInvoiceNumber.toLocaleString("en-US")}): numbers are never reused.`}
            />
            <Field
              label="Estimate prefix"
              inputProps={{ ...text(fields.estimatePrefix, BUSINESS_LIMITS.prefix), pattern: "[A-Za-z0-9\\-/]*" }}
              errors={fields.estimatePrefix.errors}
              hint="Up to 10 letters, digits, - or /."
            />
            <Field
              label="Next estimate number"
              inputProps={{ ...getInputProps(fields.nextEstimateNumber, { type: "text" }), inputMode: "numeric", maxLength: 9 }}
              errors={fields.nextEstimateNumber.errors}
              hint={`Can only go up (now ${nextEstimateNumber.toLocaleString("en-US")}): numbers are never reused.`}
            />
          </div>
        </fieldset>

        <fieldset className="card stack">
          <legend>Reviews</legend>
          <Field
            label="Review link"
            inputProps={{ ...getInputProps(fields.reviewUrl, { type: "url" }), maxLength: BUSINESS_LIMITS.reviewUrl, placeholder: "https://" }}
            errors={fields.reviewUrl.errors}
            hint="Where happy customers can leave a review (Google, Yelp, …)."
          />
          <div>
            <label htmlFor={fields.reviewRequestsEnabled.id} className="checkbox-label">
              <input
                {...reviewCheckbox}
                aria-invalid={fields.reviewRequestsEnabled.errors ? true : undefined}
                aria-describedby={fields.reviewRequestsEnabled.errors ? fields.reviewRequestsEnabled.errorId : undefined}
              />
              Ask customers for a review after they pay
            </label>
            <ErrorList id={fields.reviewRequestsEnabled.errorId} errors={fields.reviewRequestsEnabled.errors} />
          </div>
          <Field
            label="Ask each customer at most once every (days)"
            inputProps={{ ...getInputProps(fields.reviewRequestPeriodDays, { type: "text" }), inputMode: "numeric", maxLength: 3 }}
            errors={fields.reviewRequestPeriodDays.errors}
          />
        </fieldset>

        <p className="muted">
          Overdue reminders have their own page: <Link to="/settings/reminders">Settings → Reminders</Link>.
        </p>

        <div className="actions">
          <SubmitButton name="intent" value="save-profile" pending={pendingIntent === "save-profile"}>
            Save profile
          </SubmitButton>
          <Link to="/settings">Back to settings</Link>
        </div>
      </Form>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";
