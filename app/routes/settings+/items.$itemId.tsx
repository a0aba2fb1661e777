// Settings → Items → one item: edit or delete it. Another business's item id is a 404 (tenancy in the
// query). Deleting an item never touches invoices: lines are copies, not references.
import type {} from "~/components/server-form";
import type { Submission } from "@conform-to/zod/v4";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SavedItemForm } from "~/components/saved-item-form";
import type { SavedItemInput } from "~/models/saved-item-form";
import { deleteSavedItem, getSavedItem, updateSavedItem } from "~/models/saved-item.server";
import { businessDefaults } from "~/models/business.server";
import { requireBusiness } from "~/web/auth.server";
import { centsToInput } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { formReply, replyWithDomainError } from "~/web/forms.server";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";
import { itemActionSchema } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Edit item | Settings | Invoice Link" }];

// An item's page works fully as HTML (one plain form); hydrating would add only a pending label, for
// 91.9 KB of JavaScript against issue 17's 90 (decision 022).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const { currency } = await businessDefaults(businessId);
  const item = await getSavedItem(businessId, params.itemId!);
  return json({ currency, item: { ...item, unitPrice: centsToInput(item.unitPriceCents, currency) } });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const { currency } = await businessDefaults(businessId);
  const submission = parseWithZod(await request.formData(), { schema: itemActionSchema(currency) });
  // Tenancy first: another business's id answers 404 whatever the body holds.
  const item = await getSavedItem(businessId, params.itemId!);
  if (submission.status !== "success") return formReply(submission.reply());
  switch (submission.value.intent) {
    case "save":
      return saveItem(request, submission, businessId, item.id, submission.value);
    case "delete":
      return deleteItem(request, businessId, item);
  }
});

async function saveItem(request: Request, submission: Submission<unknown>, businessId: string, itemId: string, input: SavedItemInput) {
  try {
    await updateSavedItem(businessId, itemId, input);
  } catch (error) {
    return replyWithDomainError(submission, error);
  }
  return redirectWithFlash(request, "/settings/items", { kind: "success", message: `Item ${input.name} saved.` });
}

async function deleteItem(request: Request, businessId: string, item: { id: string; name: string }) {
  await deleteSavedItem(businessId, item.id);
  return redirectWithFlash(request, "/settings/items", { kind: "success", message: `Item ${item.name} deleted.` });
}

export default function EditItem() {
  const { currency, item } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const pendingIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  return (
    <div className="stack narrow">
      <h1>Edit item</h1>
      <SavedItemForm
        id={`item-${item.id}`}
        currency={currency}
        defaultValue={{ name: item.name, description: item.description ?? "", unitPrice: item.unitPrice, taxable: item.taxable ? "on" : "" }}
        lastResult={actionData?.result}
        submitLabel="Save item"
        pending={pendingIntent === "save"}
      />
      <Form method="post" className="card">
        <button type="submit" name="intent" value="delete" className="button-danger" disabled={pendingIntent === "delete"}>
          Delete {item.name}
        </button>
        <p className="hint">Invoices and estimates that used it keep their lines.</p>
      </Form>
      <p>
        <Link to="/settings/items">Back to items</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";
