// Settings → Items: the price book. Lists and searches the saved items (GET ?q=, so the search works
// with JavaScript off and can be bookmarked) and adds new ones (POST/redirect/GET with a flash).
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SavedItemForm } from "~/components/saved-item-form";
import { savedItemFormSchema, ITEM_QUERY_MAX } from "~/models/saved-item-form";
import { createSavedItem, ITEM_LIST_LIMIT, normalizeItemQuery, searchSavedItems } from "~/models/saved-item.server";
import { businessDefaults } from "~/models/business.server";
import { requireBusiness } from "~/web/auth.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { formReply, replyWithDomainError } from "~/web/forms.server";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";

export const meta: MetaFunction = () => [{ title: "Items | Settings | Invoice Link" }];

// The price book works fully as HTML (plain forms, links); hydrating would add only a pending label, for
// 90.9 KB of JavaScript against issue 17's 90 (decision 022).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const { currency } = await businessDefaults(businessId);
  const q = normalizeItemQuery(new URL(request.url).searchParams.get("q"));
  const items = await searchSavedItems(businessId, q, ITEM_LIST_LIMIT);
  return json({ currency, q, items });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const { currency } = await businessDefaults(businessId);
  const submission = parseWithZod(await request.formData(), { schema: savedItemFormSchema(currency) });
  if (submission.status !== "success") return formReply(submission.reply());
  try {
    await createSavedItem(businessId, submission.value);
  } catch (error) {
    return replyWithDomainError(submission, error);
  }
  return redirectWithFlash(request, "/settings/items", { kind: "success", message: `Item ${submission.value.name} saved.` });
});

export default function SettingsItems() {
  const { currency, q, items } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <div className="stack">
      <h1>Items</h1>
      <p className="muted">Work and parts you bill often. Add them to an invoice or estimate from its editor.</p>
      <Form method="get" className="actions" role="search">
        <label htmlFor="items-q" className="visually-hidden">
          Search items
        </label>
        <input id="items-q" type="search" name="q" defaultValue={q} maxLength={ITEM_QUERY_MAX} placeholder="Search items" />
        <button type="submit" className="button-secondary">
          Search
        </button>
      </Form>
      {items.length ? (
        <ul className="stack" data-testid="saved-items">
          {items.map((item) => (
            <li key={item.id}>
              <Link to={`/settings/items/${item.id}`}>{item.name}</Link> · {formatMoney(item.unitPriceCents, currency)}
              {item.taxable ? null : <span className="muted"> · not taxable</span>}
              {item.description ? <span className="muted"> · {item.description}</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>{q ? `No items match “${q}”.` : "No items yet."}</p>
      )}
      <h2>Add an item</h2>
      <SavedItemForm
        id="new-item"
        currency={currency}
        defaultValue={{ taxable: "on" }}
        lastResult={actionData?.result}
        submitLabel="Add item"
        pending={navigation.state === "submitting" && navigation.formMethod === "POST"}
      />
      <p>
        <Link to="/settings">Back to settings</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";
