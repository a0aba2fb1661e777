// The filter bar above a list (invoices, expenses): a GET form, so the filters live in the URL, work
// without JavaScript and can be bookmarked. Each list passes its own fields and their options.
import { Form, useNavigation } from "@remix-run/react";
import type { InputHTMLAttributes } from "react";

export type FilterField = { name: string; label: string } & (
  | { type: "select"; options: { value: string; label: string }[] }
  /** A text, date or month input; `input` holds its other attributes (placeholder, maxLength, max). */
  | { type: "search" | "date" | "month"; input?: InputHTMLAttributes<HTMLInputElement> }
);

export function ListFilters({
  fields,
  values,
  hidden = {},
}: {
  fields: FilterField[];
  /** The filters in force, by field name. */
  values: Record<string, string | number | undefined>;
  /** Filters kept as they are (not shown as fields), such as the customer a list was opened for. */
  hidden?: Record<string, string | undefined>;
}) {
  const navigation = useNavigation();
  return (
    <Form method="get" className="card filters" role="search">
      {fields.map((field) => (
        <div key={field.name}>
          <label htmlFor={field.name}>{field.label}</label>
          {field.type === "select" ? (
            <select id={field.name} name={field.name} defaultValue={values[field.name] ?? ""}>
              <option value="">Any</option>
              {field.options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          ) : (
            <input id={field.name} name={field.name} type={field.type} defaultValue={values[field.name] ?? ""} {...field.input} />
          )}
        </div>
      ))}
      {Object.entries(hidden).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
      <button type="submit" disabled={navigation.state === "loading"}>
        Filter
      </button>
    </Form>
  );
}
