import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireBusiness } from "~/web/auth.server";
import { NotFoundError } from "~/models/errors.server";
import { listDevOutbox } from "~/models/jobs-admin.server";
import { isDevOutbox } from "~/utils/email.server";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";

export const meta: MetaFunction = () => [{ title: "Development outbox | Invoice Link" }];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

// Only exists while no Postmark token is configured, and shows only the signed-in business's mail.
export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  if (!isDevOutbox()) throw new NotFoundError();
  const { businessId } = await requireBusiness(request);
  return json({ messages: await listDevOutbox(businessId) });
});

export default function DevOutbox() {
  const { messages } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Development outbox</h1>
      <p className="muted">No POSTMARK_SERVER_TOKEN is set, so email is kept here instead of being sent.</p>
      {messages.length === 0 ? <p>No messages yet.</p> : null}
      {messages.map((m) => (
        <article key={m.id} className="card" data-testid="outbox-message">
          <h2>{m.subject}</h2>
          <p className="muted">
            To {m.to} · {m.template} · {new Date(m.createdAt).toISOString()} · {m.status}
          </p>
          <pre>{m.textBody}</pre>
        </article>
      ))}
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";
