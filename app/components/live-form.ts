// A server-validated form (server-form.ts) whose fields change in place, for the two forms that need it:
// the invoice / estimate editor and the expense form. With JavaScript the list buttons (add or remove a line)
// act at once; `form.value` follows what is typed (the editor's running totals); a reply that resets the
// form (`reply({ resetForm: true })`: a picker or a receipt filled it in) puts its new defaults into the
// fields. Without JavaScript the same buttons post Conform's `__intent__` and the server answers as before.
import { type FormEvent, useEffect, useReducer, useRef } from "react";
import { type Errors, type FormResult, getPath, listOf, type Options, serialize, useServerForm } from "./server-form";

const INTENT = "__intent__";

type Lists = Record<string, { key: string; initialValue: unknown }[]>;
type Local = { version: number; lists: Lists; value?: Record<string, unknown> };

/** The form's values nested as Conform's server parse nests them (text only: a file is no value to show). */
function readForm(form: HTMLFormElement) {
  const root: Record<string, unknown> = {};
  for (const [name, entry] of new FormData(form)) {
    if (typeof entry !== "string" || name === INTENT) continue;
    const path = [...name.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map(([, key, index]) => key ?? Number(index));
    let target = root as Record<string | number, unknown>;
    path.forEach((key, i) => {
      if (i < path.length - 1) target = (target[key] ??= typeof path[i + 1] === "number" ? [] : {}) as Record<string | number, unknown>;
      else target[key] = target[key] === undefined ? entry : [target[key], entry].flat();
    });
  }
  return root;
}

/** Puts values into the form's controls, as their defaults too (uncontrolled inputs keep what was typed). */
function fillForm(form: HTMLFormElement, values: unknown) {
  for (const element of form.elements as Iterable<HTMLInputElement | HTMLSelectElement>) {
    if (!element.name || element.name === INTENT || ["file", "submit", "button"].includes(element.type)) continue;
    const raw = getPath(values, element.name);
    const value = typeof raw === "string" ? raw : "";
    if (element instanceof HTMLSelectElement) {
      for (const option of element.options) option.selected = option.defaultSelected = option.value === value;
    } else if (element.type === "checkbox" || element.type === "radio") {
      (element as HTMLInputElement).checked = (element as HTMLInputElement).defaultChecked = element.value === value;
    } else {
      (element as HTMLInputElement).defaultValue = element.value = value;
    }
  }
}

const isPathPrefix = (name: string, prefix: string) => name === prefix || (name.startsWith(prefix) && ".[".includes(name[prefix.length]));

/**
 * The messages to show. A reply to a button that only changes the form (add a line, "Update totals"
 * without JavaScript) shows only the fields that button concerns, as Conform does: the rest were not
 * submitted to be saved.
 */
function errorsOf(result: FormResult | null | undefined): Errors {
  const errors: Errors = {};
  for (const [name, messages] of Object.entries(result?.error ?? {})) if (messages?.length) errors[name] = messages;
  const target = (result?.intent?.payload as { name?: string } | undefined)?.name;
  if (!result?.intent || !target) return errors;
  const validated = { ...result.state?.validated, [target]: true };
  const validatedFields = (result.fields ?? []).filter((name) => validated[name]);
  return Object.fromEntries(Object.entries(errors).filter(([name]) => validated[name] || validatedFields.some((f) => isPathPrefix(name, f))));
}

export function useLiveForm<Schema = Record<string, string | undefined>>(options: Options<Schema>) {
  const { id, lastResult, defaultValue } = options;
  // Each reply (or another record in the same form) starts a round: fields start from the reply, list items
  // get new keys, and the lists edited and the values typed in the last round are dropped.
  const round = useRef({ result: lastResult, id, version: 0 });
  if ((lastResult && lastResult !== round.current.result) || id !== round.current.id) {
    round.current = { result: lastResult, id, version: round.current.version + 1 };
  }
  const version = round.current.version;
  const [local, update] = useReducer(
    (state: Local, change: Partial<Local> & { version: number }): Local =>
      state.version === change.version ? { ...state, ...change } : { lists: {}, ...change },
    { version, lists: {} },
  );
  const current: Local = local.version === version ? local : { version, lists: {} };
  const defaults = serialize(defaultValue ?? {});
  const initial = lastResult?.initialValue ?? defaults;
  const value = current.value ?? (initial as Record<string, unknown>);
  const tracksValue = useRef(false);
  const added = useRef(0);
  const items = (name: string) => current.lists[name] ?? listOf(getPath(initial, name)).map((initialValue, i) => ({ key: `${version}-${i}`, initialValue }));

  const [form, fields] = useServerForm<Schema>(options, {
    errors: errorsOf(lastResult),
    items,
    value: () => {
      tracksValue.current = true;
      return value;
    },
  });

  const element = () => document.forms.namedItem(id);
  const refresh = () => {
    const formElement = element();
    if (tracksValue.current && formElement) update({ version: round.current.version, value: readForm(formElement) });
  };
  // After a new round or a list edited in place: a reset (or another record) puts the defaults back into the
  // fields, and the values are read again.
  const seen = useRef({ version, lists: current.lists, id });
  useEffect(() => {
    const previous = seen.current;
    if (previous.version === version && previous.lists === current.lists) return;
    seen.current = { version, lists: current.lists, id };
    const formElement = element();
    if (formElement && previous.version !== version && (lastResult?.initialValue === null || previous.id !== id)) fillForm(formElement, defaults);
    refresh();
  });

  const button = (intent: unknown) => ({ name: INTENT, value: JSON.stringify(intent), form: id, formNoValidate: true });

  return [
    {
      ...form,
      get value() {
        tracksValue.current = true;
        return value;
      },
      insert: { getButtonProps: (payload: { name: string; defaultValue?: unknown }) => button({ type: "insert", payload }) },
      remove: { getButtonProps: (payload: { name: string; index: number }) => button({ type: "remove", payload }) },
      /** Re-renders the form on the server without saving (for a page without JavaScript: "Update totals"). */
      validate: { getButtonProps: (payload: { name?: string }) => button({ type: "validate", payload }) },
      /** With JavaScript the list buttons act in place; every other submit goes to the server. */
      onSubmit(event: FormEvent<HTMLFormElement>) {
        const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
        if (submitter?.name !== INTENT) return;
        const { type, payload } = JSON.parse(submitter.value) as { type: string; payload: { name: string; index?: number; defaultValue?: unknown } };
        if (type !== "insert" && type !== "remove") return;
        event.preventDefault();
        const list = [...items(payload.name)];
        if (type === "insert") list.push({ key: `added-${added.current++}`, initialValue: serialize(payload.defaultValue) });
        else list.splice(payload.index ?? 0, 1);
        update({ version, lists: { ...current.lists, [payload.name]: list } });
      },
      onChange: refresh,
    },
    fields,
  ] as const;
}
