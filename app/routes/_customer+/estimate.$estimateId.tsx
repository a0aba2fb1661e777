// The customer's view of an estimate, reached only through a signed link. Ships no JavaScript: every button
// is a plain form POST. The action answers in the one reply shape ({ result, display? }, app/web/forms.server.ts):
// "Update total" and a refused approval re-render the page with the customer's choices (display), approving
// or declining redirects back to the page (POST/redirect/GET).
import type {} from "~/components/server-form";
import type { Submission } from "@conform-to/zod/v4";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { BrandHeader, brandLinks } from "~/components/brand-header";
import { DocumentLines } from "~/components/document-lines";
import { ApprovalRecord, approvalView, estimateChoiceView, OptionalItems, SIGNATURE_MAX } from "~/components/estimate-choices";
import { ContactLinks, StatusBadge } from "~/components/status-badge";
import { customerStatus } from "~/models/labels";
import { loadBrand } from "~/models/branding.server";
import { toDateString } from "~/utils/dates";
import { decideEstimate, loadEstimateLink, markEstimateViewed } from "~/models/estimate.server";
import { formatEstimateNumber } from "~/models/document-numbers";
import { listJobPhotos } from "~/models/job-photo.server";
import { PhotoGallery } from "~/components/photo-gallery";
import type { RouteHandle } from "~/root";
import { getSession } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { formReply, replyWithDomainError } from "~/web/forms.server";
import { formErrors } from "~/components/forms";
import { chosenIds, decisionSchema, UNKNOWN_DECISION } from "./__estimate-form.server";

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

/** The totals and tick boxes as the customer chose them, shown beside a preview or a refused approval. */
type ChoicesDisplay = ReturnType<typeof estimateChoiceView>;
type Estimate = Awaited<ReturnType<typeof loadFromLink>>;
type DecisionSubmission = Submission<unknown>;

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params, context }: ActionFunctionArgs) => {
  const form = await request.formData();
  // The link first: a bad or expired one is a 401 whatever the form holds.
  const t = linkPart(form.get("t"));
  const d = linkPart(form.get("d"));
  const estimate = await loadFromLink(request, params.estimateId!, t, d);
  const submission = parseWithZod(form, { schema: decisionSchema(new Set(estimate.lines.filter((l) => l.optional).map((l) => l.id))) });
  // The customer's ticks as sent, so a refused form shows them again.
  const display = estimateChoiceView(estimate, new Set(chosenIds(submission.payload.option)));
  if (submission.status !== "success") {
    if (submission.error?.decision) return formReply(submission.reply({ formErrors: [UNKNOWN_DECISION] }));
    return formReply(submission.reply(), { display });
  }
  const value = submission.value;
  const page = `/estimate/${encodeURIComponent(estimate.id)}?${new URLSearchParams({ t, d })}`;
  switch (value.decision) {
    case "preview":
      return formReply(submission.reply(), { status: 200, display });
    case "approve": {
      const approval = { name: value.name, ip: context?.clientIp ?? null, userAgent: request.headers.get("user-agent"), chosenLineIds: value.option };
      return decide(submission, estimate, "approve", approval, page, display);
    }
    case "decline":
      return decide(submission, estimate, "decline", undefined, page);
  }
});

function linkPart(value: FormDataEntryValue | null) {
  return typeof value === "string" ? value : "";
}

/** Approves or declines, then shows the page again (POST/redirect/GET); a rule's refusal is the form's reply. */
async function decide(
  submission: DecisionSubmission,
  estimate: Estimate,
  decision: "approve" | "decline",
  approval: Parameters<typeof decideEstimate>[2],
  page: string,
  display?: ChoicesDisplay,
) {
  try {
    await decideEstimate(estimate.id, decision, approval);
  } catch (error) {
    // "Tick at least one item" is a 400 on the tick boxes; "no longer open" a 409 above the form.
    return replyWithDomainError(submission, error, { display });
  }
  return redirect(page);
}

export default function PublicEstimate() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const reply = actionData?.result;
  const open = loaded.status === "SENT" || loaded.status === "VIEWED";
  // After "Update total" (or a refused approval) an open estimate shows the totals with the customer's choices.
  const choices = open && actionData && "display" in actionData ? actionData.display : undefined;
  const data = choices ? { ...loaded, ...choices } : loaded;
  const nameErrors = reply?.error?.name ?? null;
  const typedName = typeof reply?.initialValue?.name === "string" ? reply.initialValue.name.slice(0, SIGNATURE_MAX * 2) : "";
  const formError = formErrors(reply)?.[0];
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
      {formError ? (
        <p className="flash flash-error" role="alert">
          {formError}
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
                <OptionalItems items={data.options} currency={data.currency} editable errors={reply?.error?.options ?? undefined} />
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
                defaultValue={typedName}
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
