// The editor's saved-item and customer pickers (issue 14). Both are parts of the invoice/estimate form:
// their buttons submit the whole form with an intent (app/web/document-editor.server.ts), so with
// JavaScript off a search re-renders the editor with the matches as buttons, and nothing typed is lost.
// With JavaScript the matches appear while typing (a fetcher asking the JSON search routes); the same
// buttons then add the item or choose the customer. The search boxes are not document fields: Enter in
// them searches (with JavaScript) instead of saving.
import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { formatMoney } from "~/utils/money";
import type { CustomerMatch, EditorDisplay, ItemMatch } from "~/web/document-editor-form";
import { ErrorList, SubmitButton } from "./forms";

/** What the editor held after the last round trip (field name → value). */
type Submitted = Record<string, unknown> | undefined;

const initial = (submitted: Submitted, name: string) => {
  const value = submitted?.[name];
  return typeof value === "string" ? value : "";
};

/** Type-ahead: asks `url` for matches of what is typed, 200 ms after the last key. */
function useTypeAhead<T>(url: string) {
  const fetcher = useFetcher<T>();
  const [query, setQuery] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const search = (q: string, delay = 200) => {
    setQuery(q);
    clearTimeout(timer.current);
    if (!q.trim()) return;
    timer.current = setTimeout(() => fetcher.load(`${url}?q=${encodeURIComponent(q)}`), delay);
  };
  const data = query.trim() ? fetcher.data : undefined;
  return { data, search, loading: fetcher.state === "loading" };
}

function onEnterSearch(search: (q: string, delay?: number) => void) {
  return (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault(); // the form's default button would save the document
      search(event.currentTarget.value, 0);
    }
  };
}

/** Enter in an inline new-customer field adds the customer (JavaScript on) instead of saving the document. */
function enterAddsCustomer(event: React.KeyboardEvent<HTMLInputElement>) {
  if (event.key !== "Enter") return;
  event.preventDefault();
  event.currentTarget.closest("details")?.querySelector<HTMLButtonElement>('button[value="new-customer"]')?.click();
}

export function ItemPicker({
  formId,
  currency,
  submitted,
  search: server,
  pendingIntent,
}: {
  formId: string;
  currency: string;
  submitted: Submitted;
  /** The matches of a search without JavaScript. */
  search?: EditorDisplay["itemSearch"];
  pendingIntent?: unknown;
}) {
  const { data, search, loading } = useTypeAhead<{ items: ItemMatch[] }>("/items/search");
  const matches = data?.items ?? server?.items;
  const q = data ? null : server?.q;
  const inputId = `${formId}-item-query`;
  return (
    <div className="stack item-picker" data-testid="item-picker">
      <label htmlFor={inputId}>Add a saved item</label>
      <div className="actions">
        <input
          id={inputId}
          type="search"
          name="itemQuery"
          maxLength={100}
          autoComplete="off"
          defaultValue={initial(submitted, "itemQuery")}
          placeholder="Search your items"
          aria-describedby={`${inputId}-status`}
          onChange={(e) => search(e.currentTarget.value)}
          onKeyDown={onEnterSearch(search)}
        />
        <SubmitButton name="intent" value="search-items" formNoValidate className="button-secondary" pending={pendingIntent === "search-items"}>
          Search items
        </SubmitButton>
      </div>
      <p className="hint" id={`${inputId}-status`} aria-live="polite">
        {loading
          ? "Searching…"
          : matches
            ? matches.length
              ? `${matches.length} match${matches.length === 1 ? "" : "es"}`
              : q
                ? `No items match “${q}”.`
                : "No items match."
            : "Items come from Settings → Items."}
      </p>
      {matches?.length ? (
        <ul className="stack picker-results" data-testid="item-matches">
          {matches.map((item) => (
            <li key={item.id}>
              <button type="submit" name="intent" value={`add-item:${item.id}`} formNoValidate className="button-secondary">
                Add {item.name} ({formatMoney(item.unitPriceCents, currency)}
                {item.taxable ? "" : ", no tax"})
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function CustomerPicker({
  formId,
  submitted,
  search: server,
  pendingIntent,
  errors,
}: {
  formId: string;
  submitted: Submitted;
  /** The matches of a search without JavaScript. */
  search?: EditorDisplay["customerSearch"];
  pendingIntent?: unknown;
  errors?: string[];
}) {
  const { data, search, loading } = useTypeAhead<{ customers: CustomerMatch[] }>("/customers/search");
  const matches = data?.customers ?? server?.customers;
  const inputId = `${formId}-customer-query`;
  const newId = `${formId}-new-customer`;
  return (
    <div className="stack customer-picker" data-testid="customer-picker">
      <label htmlFor={inputId}>Find a customer</label>
      <div className="actions">
        <input
          id={inputId}
          type="search"
          name="customerQuery"
          maxLength={100}
          autoComplete="off"
          defaultValue={initial(submitted, "customerQuery")}
          placeholder="Name, email or phone"
          aria-describedby={`${inputId}-status`}
          onChange={(e) => search(e.currentTarget.value)}
          onKeyDown={onEnterSearch(search)}
        />
        <SubmitButton name="intent" value="search-customers" formNoValidate className="button-secondary" pending={pendingIntent === "search-customers"}>
          Search customers
        </SubmitButton>
      </div>
      <p className="hint" id={`${inputId}-status`} aria-live="polite">
        {loading ? "Searching…" : matches ? (matches.length ? `${matches.length} match${matches.length === 1 ? "" : "es"}` : "No customers match.") : null}
      </p>
      {matches?.length ? (
        <ul className="stack picker-results" data-testid="customer-matches">
          {matches.map((c) => (
            <li key={c.id}>
              <button type="submit" name="intent" value={`choose-customer:${c.id}`} formNoValidate className="button-secondary">
                Choose {c.name}
                {c.email || c.phone ? ` (${c.email ?? c.phone})` : ""}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <details open={errors?.length ? true : undefined}>
        <summary>New customer</summary>
        <div className="stack">
          <div>
            <label htmlFor={`${newId}-name`}>New customer’s name</label>
            <input
              id={`${newId}-name`}
              name="newCustomerName"
              onKeyDown={enterAddsCustomer}
              maxLength={100}
              autoComplete="off"
              defaultValue={initial(submitted, "newCustomerName")}
            />
          </div>
          <div>
            <label htmlFor={`${newId}-email`}>Email (optional)</label>
            <input
              id={`${newId}-email`}
              name="newCustomerEmail"
              onKeyDown={enterAddsCustomer}
              type="email"
              maxLength={254}
              autoComplete="off"
              defaultValue={initial(submitted, "newCustomerEmail")}
            />
          </div>
          <div>
            <label htmlFor={`${newId}-phone`}>Phone (optional)</label>
            <input
              id={`${newId}-phone`}
              name="newCustomerPhone"
              onKeyDown={enterAddsCustomer}
              type="tel"
              maxLength={40}
              autoComplete="off"
              defaultValue={initial(submitted, "newCustomerPhone")}
            />
          </div>
          <ErrorList id={`${newId}-error`} errors={errors} />
          <SubmitButton name="intent" value="new-customer" formNoValidate className="button-secondary" pending={pendingIntent === "new-customer"}>
            Add customer
          </SubmitButton>
        </div>
      </details>
    </div>
  );
}
