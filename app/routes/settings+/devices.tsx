// Settings → Signed-in devices: every browser and mobile app signed in as this user, and a way to end
// each one (a lost phone, a shared computer) or all but this browser. Plain forms; works without JS.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { handleOf, listDevices, signOutApp, signOutBrowser, signOutEverywhereElse } from "~/models/devices.server";
import { requireBusiness } from "~/web/auth.server";
import { logout, redirectWithFlash } from "~/utils/session.server";
import { formErrors } from "~/components/forms";
import { mapDomainErrors } from "~/web/errors.server";
import { replyWithFormError } from "~/web/forms.server";
import type { RouteHandle } from "~/root";
import { DeviceActionSchema } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Signed-in devices | Invoice Link" }];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { user, sessionId } = await requireBusiness(request);
  return json(await listDevices(user.id, sessionId));
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { user, sessionId } = await requireBusiness(request);
  const submission = parseWithZod(await request.formData(), { schema: DeviceActionSchema });
  if (submission.status !== "success") return replyWithFormError(submission, "That action is not available. Reload the page and try again.");
  const back = "/settings/devices";
  const value = submission.value;
  switch (value.intent) {
    case "sign-out-browser": {
      if (handleOf(sessionId) === value.id) return logout(request, "/login");
      if (!(await signOutBrowser(user.id, value.id))) return replyWithFormError(submission, "That browser is already signed out.", { status: 404 });
      return redirectWithFlash(request, back, { kind: "success", message: "That browser is signed out." });
    }
    case "sign-out-app": {
      if (!(await signOutApp(user.id, value.id))) return replyWithFormError(submission, "That app is already signed out.", { status: 404 });
      return redirectWithFlash(request, back, { kind: "success", message: "That app is signed out; it must sign in again." });
    }
    case "sign-out-others": {
      const count = await signOutEverywhereElse(user.id, sessionId);
      return redirectWithFlash(request, back, {
        kind: "success",
        message: count ? `Signed out ${count} other device${count === 1 ? "" : "s"}.` : "No other device was signed in.",
      });
    }
  }
});

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** One signed-in browser or app, with its own sign-out form. */
function Device({
  testId,
  intent,
  id,
  name,
  current,
  children,
}: {
  testId: string;
  intent: string;
  id: string;
  name: string;
  current?: boolean;
  children: React.ReactNode;
}) {
  return (
    <li data-testid={testId}>
      <strong>{name}</strong>
      {current ? <span className="muted"> (this browser)</span> : null}
      <br />
      <span className="muted">{children}</span>
      <Form method="post">
        <input type="hidden" name="id" value={id} />
        <button type="submit" name="intent" value={intent} className="button button-small button-secondary">
          Sign out
        </button>
      </Form>
    </li>
  );
}

export default function Devices() {
  const { browsers, apps } = useLoaderData<typeof loader>();
  const formError = formErrors(useActionData<typeof action>()?.result)?.[0];
  return (
    <div className="stack narrow">
      <h1>Signed-in devices</h1>
      <p className="muted">If a phone is lost or you used a shared computer, sign it out here. Changing your password signs out every device.</p>
      {formError ? (
        <p className="error" role="alert">
          {formError}
        </p>
      ) : null}
      <section className="card stack" aria-labelledby="browsers">
        <h2 id="browsers">Browsers</h2>
        <ul className="stack">
          {browsers.map((b) => (
            <Device key={b.id} testId="browser" intent="sign-out-browser" id={b.id} name={b.userAgent ?? "Unknown browser"} current={b.current}>
              Signed in {when(b.createdAt)}
              {b.ip ? ` from ${b.ip}` : ""}
            </Device>
          ))}
        </ul>
      </section>
      <section className="card stack" aria-labelledby="apps">
        <h2 id="apps">Mobile apps</h2>
        {apps.length === 0 ? <p className="muted">No app is signed in.</p> : null}
        <ul className="stack">
          {apps.map((a) => (
            <Device key={a.id} testId="app" intent="sign-out-app" id={a.id} name={a.userAgent ?? "Unknown app"}>
              Signed in {when(a.createdAt)}, last used {when(a.lastUsedAt)}
              {a.ip ? ` from ${a.ip}` : ""}
            </Device>
          ))}
        </ul>
      </section>
      <Form method="post">
        <button type="submit" name="intent" value="sign-out-others" className="button">
          Sign out everywhere else
        </button>
      </Form>
      <p>
        <Link to="/settings">Back to settings</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";
