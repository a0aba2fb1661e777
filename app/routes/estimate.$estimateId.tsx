// The customer's view of an estimate, reached only through a signed link. Ships no JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { DocumentLines, documentView } from "~/components/document-lines";
import { ContactLinks, customerStatus, StatusBadge } from "~/components/status-badge";
import { toDateString } from "~/models/document-form";
import { DomainError } from "~/models/errors.server";
import { decideEstimate, getPublicEstimate, markEstimateViewed } from "~/models/estimate.server";
import { formatInvoiceNumber } from "~/models/invoice.server";
import { linkProblem, verifyLink } from "~/models/signed-link.server";
import type { RouteHandle } from "~/root";
import { getSession } from "~/utils/session.server";

export const handle: RouteHandle = { hydrate: false, customerFacing: true };

export const meta: MetaFunction = () => [{ title: "Estimate" }, { name: "robots", content: "noindex" }];


/** Same answer for a bad signature, an unknown id and a void estimate: nothing reveals what exists. */
async function loadFromLink(request: Request, id: string, t: string | null, d: string | null) {
  const check = verifyLink("estimate", id, t, d);
  if (!check.ok) throw linkProblem(check.reason);
  const estimate = await getPublicEstimate(id);
  if (!estimate || estimate.status === "VOID") throw linkProblem("invalid");
  return estimate;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
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
      number: formatInvoiceNumber(estimate.business.estimatePrefix, estimate.number),
      status: estimate.status,
      issueDate: toDateString(estimate.issueDate),
      validUntil: estimate.validUntil ? toDateString(estimate.validUntil) : null,
      ...documentView(estimate),
    },
    { headers: { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } },
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const t = String(form.get("t") ?? "");
  const d = String(form.get("d") ?? "");
  const estimate = await loadFromLink(request, params.estimateId!, t, d);
  const decision = form.get("decision");
  if (decision !== "approve" && decision !== "decline") return json({ error: "Choose approve or decline" }, { status: 400 });
  try {
    await decideEstimate(estimate.id, decision);
  } catch (error) {
    if (error instanceof DomainError) return json({ error: error.message }, { status: 409 });
    throw error;
  }
  return redirect(`/estimate/${encodeURIComponent(estimate.id)}?${new URLSearchParams({ t, d })}`);
}

export default function PublicEstimate() {
  const data = useLoaderData<typeof loader>();
  const open = data.status === "SENT" || data.status === "VIEWED";
  const badge = customerStatus(data.status);
  return (
    <div className="stack">
      <header>
        <p className="brand">{data.business.name}</p>
        <h1>
          Estimate {data.number} {badge ? <StatusBadge status={badge} /> : null}
        </h1>
        <p className="muted">
          For {data.customerName} · issued {data.issueDate}
          {data.validUntil ? ` · valid until ${data.validUntil}` : ""}
        </p>
      </header>
      <section className="card">
        <DocumentLines {...data} />
        {data.notes ? <p className="prewrap">{data.notes}</p> : null}
        {data.terms ? <p className="prewrap muted">{data.terms}</p> : null}
      </section>
      {open ? (
        <div className="actions">
          <Form method="post" className="inline-form">
            <input type="hidden" name="t" value={data.t ?? ""} />
            <input type="hidden" name="d" value={data.d ?? ""} />
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
        </div>
      ) : (
        <p className="flash">
          {data.status === "APPROVED" ? "You approved this estimate. Thank you!" : data.status === "DECLINED" ? "You declined this estimate." : null}
        </p>
      )}
      <p className="muted">
        Questions? Contact {data.business.name}
        <ContactLinks phone={data.business.phone} email={data.business.email} />.
      </p>
    </div>
  );
}
