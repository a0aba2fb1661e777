// The customer's view of an estimate, reached only through a signed link. Ships no JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { BrandHeader, brandLinks } from "~/components/brand-header";
import { DocumentLines } from "~/components/document-lines";
import { ApprovalRecord, approvalView, estimateChoiceView, OptionalItems } from "~/components/estimate-choices";
import { ContactLinks, StatusBadge } from "~/components/status-badge";
import { customerStatus } from "~/models/labels";
import { loadBrand } from "~/models/branding.server";
import { toDateString } from "~/utils/dates";
import { DomainError } from "~/models/errors.server";
import { decideEstimate, loadEstimateLink, markEstimateViewed } from "~/models/estimate.server";
import { formatEstimateNumber } from "~/models/document-numbers";
import { listJobPhotos } from "~/models/job-photo.server";
import { PhotoGallery } from "~/components/job-photos";
import type { RouteHandle } from "~/root";
import { getSession } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

export const handle: RouteHandle = { hydrate: false, customerFacing: true };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: "Estimate" }, { name: "robots", content: "noindex" }, ...brandLinks(data?.brand)];

/** Same answer for a bad signature, an unknown id and a void estimate: nothing reveals what exists. */
async function loadFromLink(request: Request, id: string, t: string | null, d: string | null) {
  return loadEstimateLink(id, t, d);
}

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params, context }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const t = url.searchParams.get("t");
  const d = url.searchParams.get("d");
  const estimate = await loadFromLink(request, params.estimateId!, t, d);
  // The contractor previewing their own link is not the customer opening it (the root loader's lookup,
  // shared through the context). A repeat view within a minute writes nothing.
  const session = await getSession(request, context);
  if (session?.businessId !== estimate.business.id) await markEstimateViewed(estimate.id, estimate);
  return json(
    {
      t,
      d,
      business: { name: estimate.business.name, email: estimate.business.email, phone: estimate.business.phone },
      customerName: estimate.customer.name,
      number: formatEstimateNumber(estimate.business.estimatePrefix, estimate.number),
      status: estimate.status,
      issueDate: toDateString(estimate.issueDate),
      validUntil: estimate.validUntil ? toDateString(estimate.validUntil) : null,
      ...estimateChoiceView(estimate),
      approval: approvalView(estimate, estimate.business.timeZone),
      brand: await loadBrand(estimate.business.id),
      photos: await listJobPhotos(estimate.business.id, { kind: "estimate", id: estimate.id }),
      photoBase: `/estimate/${encodeURIComponent(estimate.id)}/photos`,
    },
    { headers: { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } },
  );
});

const SIGNATURE_MAX = 100;
// Any printable text with at least one letter (names carry digits and suffixes too: "Robin Lee 3rd");
// never markup or control characters.
const SIGNATURE = /^(?=.*\p{L})[^\p{Cc}<>]+$/u;

/** The typed name that signs an approval, or the field error for it. */
function parseSignature(value: FormDataEntryValue | null): { name: string } | { error: string } {
  const name = typeof value === "string" ? value.trim().replace(/\s+/g, " ") : "";
  if (name.length < 2) return { error: "Type your full name to approve" };
  if (name.length > SIGNATURE_MAX) return { error: `Keep your name under ${SIGNATURE_MAX} characters` };
  if (!SIGNATURE.test(name)) return { error: "Type your name as you would sign it, without < or >" };
  return { name };
}

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params, context }: ActionFunctionArgs) => {
  const form = await request.formData();
  const t = String(form.get("t") ?? "");
  const d = String(form.get("d") ?? "");
  const estimate = await loadFromLink(request, params.estimateId!, t, d);
  const decision = form.get("decision");
  if (decision !== "approve" && decision !== "decline" && decision !== "preview") return json({ error: "Choose approve or decline" }, { status: 400 });
  const chosenLineIds = form
    .getAll("option")
    .filter((v): v is string => typeof v === "string")
    .slice(0, 200);
  const nameValue = typeof form.get("name") === "string" ? String(form.get("name")).slice(0, 200) : "";
  const optionalIds = new Set(estimate.lines.filter((l) => l.optional).map((l) => l.id));
  // The same page again, with the customer's choices and what they typed kept.
  const again = (status: number, fieldErrors: { name?: string[]; options?: string[] } = {}) =>
    json(
      { chosen: chosenLineIds.filter((id) => optionalIds.has(id)), name: nameValue, fieldErrors, ...estimateChoiceView(estimate, new Set(chosenLineIds)) },
      { status },
    );
  if (chosenLineIds.some((id) => !optionalIds.has(id))) return again(400, { options: ["Choose only from the optional items offered"] });
  if (decision === "preview") return again(200);
  let approval;
  if (decision === "approve") {
    const signature = parseSignature(form.get("name"));
    if ("error" in signature) return again(400, { name: [signature.error] });
    approval = { name: signature.name, ip: context?.clientIp ?? null, userAgent: request.headers.get("user-agent"), chosenLineIds };
  }
  try {
    await decideEstimate(estimate.id, decision, approval);
  } catch (error) {
    if (error instanceof DomainError && error.field === "options") return again(400, { options: [error.message] });
    if (error instanceof DomainError) return json({ error: error.message }, { status: 409 });
    throw error;
  }
  return redirect(`/estimate/${encodeURIComponent(estimate.id)}?${new URLSearchParams({ t, d })}`);
});

export default function PublicEstimate() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const answer = actionData && "options" in actionData ? actionData : null;
  // After "Update total" (or a refused approval) the page shows the totals with the customer's choices.
  const data = answer ? { ...loaded, ...answer } : loaded;
  const open = loaded.status === "SENT" || loaded.status === "VIEWED";
  const nameErrors = answer?.fieldErrors.name;
  const badge = customerStatus(data.status);
  return (
    <div className="stack brand-accent">
      <header>
        <BrandHeader name={data.business.name} brand={data.brand} />
        <h1>
          Estimate {data.number} {badge ? <StatusBadge status={badge} /> : null}
        </h1>
        <p className="muted">
          For {data.customerName} · issued {data.issueDate}
          {data.validUntil ? ` · valid until ${data.validUntil}` : ""}
        </p>
      </header>
      {actionData && "error" in actionData ? (
        <p className="flash flash-error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      <section className="card">
        <DocumentLines {...data} />
        {!open ? <OptionalItems items={data.options} currency={data.currency} editable={false} /> : null}
        {data.notes ? <p className="prewrap">{data.notes}</p> : null}
        {data.terms ? <p className="prewrap muted">{data.terms}</p> : null}
      </section>
      <PhotoGallery photos={loaded.photos} base={loaded.photoBase} t={loaded.t} d={loaded.d} />
      {open ? (
        <>
          <Form method="post" className="card stack">
            <input type="hidden" name="t" value={data.t ?? ""} />
            <input type="hidden" name="d" value={data.d ?? ""} />
            {data.options.length ? (
              <>
                <OptionalItems items={data.options} currency={data.currency} editable errors={answer?.fieldErrors.options} />
                <button type="submit" name="decision" value="preview" className="button-secondary">
                  Update total
                </button>
              </>
            ) : null}
            <div>
              <label htmlFor="approve-name">Type your full name to approve</label>
              <input
                id="approve-name"
                name="name"
                autoComplete="name"
                maxLength={100}
                defaultValue={answer?.name ?? ""}
                aria-invalid={nameErrors ? true : undefined}
                aria-describedby={nameErrors ? "approve-name-error" : undefined}
              />
              {nameErrors ? (
                <ul id="approve-name-error" className="errors">
                  {nameErrors.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              ) : null}
            </div>
            <button type="submit" name="decision" value="approve">
              Approve estimate
            </button>
          </Form>
          <Form method="post" className="inline-form">
            <input type="hidden" name="t" value={data.t ?? ""} />
            <input type="hidden" name="d" value={data.d ?? ""} />
            <button type="submit" name="decision" value="decline" className="button-secondary">
              Decline
            </button>
          </Form>
        </>
      ) : (
        <>
          <ApprovalRecord approval={data.approval} showSource={false} />
          <p className="flash">
            {data.status === "APPROVED" ? "You approved this estimate. Thank you!" : data.status === "DECLINED" ? "You declined this estimate." : null}
          </p>
        </>
      )}
      <p className="muted">
        Questions? Contact {data.business.name}
        <ContactLinks phone={data.business.phone} email={data.business.email} />.
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";
