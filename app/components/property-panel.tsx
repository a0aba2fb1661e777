// The customer page's optional property card: Rentcast facts about the customer's address (looked up only
// when the contractor presses the button) and a Street View photo (loaded only after "Show Street View").
// Plain forms and links: the same with JavaScript off.
import { Form, Link, useNavigation } from "@remix-run/react";
import type { PropertyFacts } from "~/utils/rentcast.server";
import { SubmitButton } from "./forms";

type PropertyPanelData = {
  addressReady: boolean;
  lookups: { left: number; limit: number; monthLabel: string; resetsOn: string };
  details: (PropertyFacts & { found: boolean; fetchedOn: string; fresh: boolean; forAnotherAddress: boolean }) | null;
};

const number = (n: number | null, suffix = "") => (n === null ? <span className="muted">Unknown</span> : `${n.toLocaleString("en-US")}${suffix}`);

export function PropertyPanel({
  customerId,
  property,
  streetView,
}: {
  customerId: string;
  /** Null when property lookups are not set up on this server. */
  property: PropertyPanelData | null;
  /** Null when Street View is not set up or the customer has no address; `show` once the contractor asked. */
  streetView: { show: boolean; /** Changes with the customer's address, so a cached photo of an old address is not reused. */ version: number } | null;
}) {
  const navigation = useNavigation();
  const looking = navigation.state === "submitting" && navigation.formData?.get("intent") === "property-lookup";
  if (!property && !streetView) return null;
  const details = property?.details;
  return (
    <section className="card stack" aria-labelledby="property-heading">
      <h2 id="property-heading">Property</h2>
      {property ? (
        <>
          {details && !details.forAnotherAddress ? (
            details.found ? (
              <dl className="property-facts" data-testid="property-facts">
                <dt>Type</dt>
                <dd>{details.propertyType ?? <span className="muted">Unknown</span>}</dd>
                <dt>Living area</dt>
                <dd>{number(details.squareFeet, " sq ft")}</dd>
                <dt>Lot</dt>
                <dd>{number(details.lotSquareFeet, " sq ft")}</dd>
                <dt>Bedrooms</dt>
                <dd>{number(details.bedrooms)}</dd>
                <dt>Bathrooms</dt>
                <dd>{number(details.bathrooms)}</dd>
                <dt>Year built</dt>
                <dd>{details.yearBuilt ?? <span className="muted">Unknown</span>}</dd>
              </dl>
            ) : (
              <p>Rentcast has no record of this address.</p>
            )
          ) : null}
          {details && !details.forAnotherAddress ? (
            <p className="hint">
              From Rentcast on {details.fetchedOn}
              {details.fresh ? "; looking it up again within 30 days uses this answer and no lookup." : "."}
            </p>
          ) : null}
          {property.addressReady ? (
            <Form method="post" className="actions">
              <SubmitButton name="intent" value="property-lookup" className="button-secondary" pending={looking}>
                {details && !details.forAnotherAddress ? "Look up property details again" : "Look up property details"}
              </SubmitButton>
              <span className="muted" data-testid="lookups-left">
                {property.lookups.left} of {property.lookups.limit} lookups left in {property.lookups.monthLabel}
              </span>
            </Form>
          ) : (
            <p className="muted">Add the street address and the postal code (or city and state) to look up square feet, bedrooms, bathrooms and year built.</p>
          )}
          <p className="hint">Only the customer&apos;s address is sent to Rentcast, and only when you press the button.</p>
        </>
      ) : null}
      {streetView ? (
        streetView.show ? (
          // Served by this server (the Google key never reaches the browser); a width attribute, not a style (CSP).
          <img
            src={`/customers/${customerId}/street-view?v=${streetView.version}`}
            alt="Street View of the customer's address"
            width={640}
            className="street-view"
          />
        ) : (
          <p>
            <Link to="?streetView=1" preventScrollReset>
              Show Street View
            </Link>{" "}
            <span className="muted">(sends the address to Google)</span>
          </p>
        )
      ) : null}
    </section>
  );
}
