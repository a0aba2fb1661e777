// The browser half of a form that validates on the server (decision 022, issue 17): it reads the action's
// reply (Conform's SubmissionResult from `submission.reply()`: the error map and the values as submitted)
// and the loader's `constraint` and `defaultValue`, and gives each field the attributes Conform's
// getInputProps gave (id, name, form, defaultValue, required/min/max/pattern..., aria-invalid,
// aria-describedby), so the HTML is the same with and without JavaScript. It replaces @conform-to/react in
// the browser: Conform's client validated, tracked and re-rendered on every input, 9 KB gzipped that a form
// checked on the server does not need (a page may load 90 KB of JavaScript, and React and Remix take 86.6).
// The server side stays Conform (@conform-to/zod's parseWithZod, `submission.reply()`, its list intents), so
// the names (`lines[0].description`), the `__intent__` buttons and the reply's shape are Conform's.
// A form whose fields change in place (list buttons, running totals, a reply that resets it) adds
// live-form.ts; this module stays small because every form page loads it.
import { type FormEvent, useEffect, useRef } from "react";

/** An action's reply (Conform's SubmissionResult as JSON): what was submitted and what was wrong with it. */
export type FormResult = {
  status?: "error" | "success";
  intent?: { type: string; payload?: unknown } | null;
  /** The values as submitted (nested: `{ lines: [{ description }] }`); `null` when the form is to be reset. */
  initialValue?: Record<string, unknown> | null;
  /** Messages by field name; `""` is the form's own. */
  error?: Record<string, string[] | null | undefined>;
  state?: { validated?: Record<string, boolean> } | null;
  fields?: string[];
};

/** The HTML constraints of a field, as @conform-to/zod's getZodConstraint computes them on the server. */
export type FieldConstraint = {
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  min?: string | number;
  max?: string | number;
  step?: string | number;
  multiple?: boolean;
  pattern?: string;
  accept?: string;
};

export type Errors = Record<string, string[]>;

type Item<T> = T extends readonly (infer I)[] ? I : never;
type Fieldset<T> =
  NonNullable<T> extends Record<string, unknown> ? { [K in keyof NonNullable<T> & string]-?: FieldMetadata<NonNullable<T>[K]> } : Record<string, FieldMetadata>;

export type FieldMetadata<Value = unknown> = {
  name: string;
  id: string;
  errorId: string;
  formId: string;
  /** This field's messages from the last reply, if any. */
  errors: string[] | undefined;
  /** Where the field starts: the reply's submitted value, else the default. */
  initialValue: unknown;
  /** What the field holds now: its start, or what was typed on a live form (live-form.ts). */
  value: unknown;
  /** A React key for a list item: changes when the item must be drawn afresh. */
  key: string | undefined;
  constraint: FieldConstraint;
  getFieldset: () => Fieldset<Value>;
  getFieldList: () => FieldMetadata<Item<NonNullable<Value>>>[];
};

/** A list's items as a live form holds them (added or removed in place), each starting from its own value. */
export type ListItems = (name: string) => { key: string; initialValue: unknown }[];

export type Options<Schema> = {
  id: string;
  /** The action's reply (`useActionData()?.result`). */
  lastResult?: FormResult | null;
  /** Where the fields start without a reply (and after a reply that resets the form). */
  defaultValue?: { [K in keyof Schema]?: unknown } | null;
  /** The loader's HTML constraints by field name (`lines[].description` for a list's items). */
  constraint?: Record<string, FieldConstraint>;
};

/** The value at a field name, Conform's way: `lines[0].description` is lines, 0, description. */
export function getPath(value: unknown, name: string): unknown {
  for (const [, key, index] of name.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key ?? index];
  }
  return value === "" ? undefined : value; // an empty field has no value (Conform's normalize)
}

export const listOf = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);

/** A loader's default value as a form holds it (Conform's serialize): strings, "on" for true, nothing for null. */
export function serialize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(serialize);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, serialize(v)]));
  if (typeof value === "boolean") return value ? "on" : undefined;
  return typeof value === "number" ? `${value}` : (value ?? undefined);
}

export function useServerForm<Schema = Record<string, string | undefined>>(
  { id, lastResult, defaultValue, constraint = {} }: Options<Schema>,
  live: { errors?: Errors; items?: ListItems; value?: () => unknown } = {},
) {
  const initial = lastResult?.initialValue ?? serialize(defaultValue ?? {});
  const errors: Errors = live.errors ?? {};
  if (!live.errors) for (const [name, messages] of Object.entries(lastResult?.error ?? {})) if (messages?.length) errors[name] = messages;

  // After a refused submit the first field in error gets the focus, as with Conform (not on the first render).
  const seen = useRef(lastResult);
  useEffect(() => {
    if (seen.current === lastResult) return;
    seen.current = lastResult;
    if (lastResult?.status !== "error") return;
    for (const element of (document.forms.namedItem(id)?.elements ?? []) as Iterable<HTMLInputElement>) {
      if (errors[element.name]) return element.focus();
    }
  });

  function field<Value>(name: string, start: (name: string) => unknown, key?: string): FieldMetadata<Value> {
    const fieldId = `${id}-${name}`;
    return {
      name,
      id: fieldId,
      errorId: `${fieldId}-error`,
      formId: id,
      errors: errors[name],
      get initialValue() {
        return start(name);
      },
      get value() {
        return live.value ? getPath(live.value(), name) : start(name);
      },
      key,
      constraint: constraint[name] ?? constraint[name.replace(/\[\d+\]/g, "[]")] ?? {},
      getFieldset: () => fieldset(name, start) as Fieldset<Value>,
      getFieldList: () =>
        (live.items?.(name) ?? listOf(start(name)).map((initialValue, i) => ({ key: `${i}`, initialValue }))).map((item, index) => {
          const itemName = `${name}[${index}]`;
          // An item added or moved in place starts from its own value, not from the reply's same index.
          return field<Item<NonNullable<Value>>>(itemName, (n) => getPath(item.initialValue, n.slice(itemName.length)), item.key);
        }),
    };
  }

  function fieldset(prefix: string, start: (name: string) => unknown) {
    return new Proxy({} as Record<string, FieldMetadata>, {
      get: (_, key) => (typeof key === "string" ? field(prefix ? `${prefix}.${key}` : key, start) : undefined),
    });
  }

  const form = {
    id,
    errorId: `${id}-error`,
    errors: errors[""],
    allErrors: errors,
    onSubmit: undefined as ((event: FormEvent<HTMLFormElement>) => void) | undefined,
    onChange: undefined as (() => void) | undefined,
  };
  return [form, fieldset("", (name) => getPath(initial, name)) as unknown as Fieldset<Schema>] as const;
}

// ---- Attributes for the controls (the same as Conform's getInputProps and friends)

type Meta = FieldMetadata<unknown>;

// Without an undefined value, in Conform's order, so the markup is the same attribute for attribute.
function props<T extends Record<string, unknown>>(meta: Meta, extra: T) {
  const all: Record<string, unknown> = {
    required: meta.constraint.required || undefined,
    id: meta.id,
    name: meta.name,
    form: meta.formId,
    "aria-invalid": meta.errors && true,
    "aria-describedby": meta.errors && meta.errorId,
    ...extra,
  };
  for (const key in all) if (all[key] === undefined) delete all[key];
  return all as { id: string; name: string } & T;
}

export function getFormProps(form: {
  id: string;
  errorId: string;
  errors?: string[];
  onSubmit?: (event: FormEvent<HTMLFormElement>) => void;
  onChange?: () => void;
}) {
  return {
    id: form.id,
    onSubmit: form.onSubmit,
    onChange: form.onChange,
    // The server validates; the browser's own bubbles would show before its messages (Conform's default too).
    noValidate: true,
    "aria-describedby": form.errors ? form.errorId : undefined,
  };
}

export function getInputProps<Value>(meta: FieldMetadata<Value>, { type, value }: { type: string; value?: string }) {
  const c = meta.constraint;
  const initial = meta.initialValue;
  const check = type === "checkbox" || type === "radio";
  return props(meta as Meta, {
    type,
    minLength: c.minLength,
    maxLength: c.maxLength,
    min: c.min,
    max: c.max,
    step: c.step,
    pattern: c.pattern,
    multiple: c.multiple,
    accept: c.accept,
    value: check ? (value ?? "on") : undefined,
    defaultChecked: check ? initial === (value ?? "on") : undefined,
    defaultValue: !check && typeof initial === "string" ? initial : undefined,
  }) as React.InputHTMLAttributes<HTMLInputElement> & { id: string; name: string };
}

export function getSelectProps<Value>(meta: FieldMetadata<Value>) {
  return props(meta as Meta, { multiple: meta.constraint.multiple, defaultValue: meta.initialValue == null ? undefined : `${meta.initialValue as string}` });
}

export function getTextareaProps<Value>(meta: FieldMetadata<Value>) {
  const c = meta.constraint;
  return props(meta as Meta, {
    minLength: c.minLength,
    maxLength: c.maxLength,
    defaultValue: meta.initialValue == null ? undefined : `${meta.initialValue as string}`,
  });
}
