// The markup a server-validated form renders (JavaScript off, and the first paint with it on) is what
// Conform's getInputProps gave: the same ids, names, defaults, constraints and error wiring (checked against
// @conform-to/react 1.21.1 rendering the same options, before it left the browser).
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { useLiveForm } from "./live-form";
import { type FormResult, getFormProps, getInputProps, getSelectProps, getTextareaProps, useServerForm, type FieldConstraint } from "./server-form";

const constraint: Record<string, FieldConstraint> = {
  email: { required: true, maxLength: 50 },
  age: { min: 1, max: 9, required: true },
  "lines[].description": { required: true },
};

type Props = { lastResult?: FormResult; defaultValue?: Record<string, unknown>; live?: boolean };

function TestForm({ lastResult, defaultValue, live = false }: Props) {
  const options = { id: "f", lastResult, defaultValue, constraint };
  // One hook or the other for the whole life of the component, so the rule of hooks holds.
  // eslint-disable-next-line react-hooks/rules-of-hooks
  const [form, fields] = live ? useLiveForm(options) : useServerForm(options);
  return (
    <form {...getFormProps(form)}>
      <input {...getInputProps(fields.email, { type: "email" })} />
      <input {...getInputProps(fields.age, { type: "text" })} />
      <input {...getInputProps(fields.ok, { type: "checkbox" })} />
      <select {...getSelectProps(fields.sel)}>
        <option value="a">a</option>
        <option value="b">b</option>
      </select>
      <textarea {...getTextareaProps(fields.notes)} />
      {fields.lines.getFieldList().map((line) => (
        <input key={line.key} {...getInputProps(line.getFieldset().description, { type: "text" })} />
      ))}
      <p>{form.errors?.join(" ")}</p>
    </form>
  );
}

const html = (props: Props) => renderToString(<TestForm {...props} />).replaceAll("<!-- -->", "");

describe("useServerForm markup", () => {
  it("starts from the loader's defaults, with the constraints", () => {
    expect(html({ defaultValue: { email: "a@b.c", age: 3, ok: true, sel: "b", notes: "hi", lines: [{ description: "one" }] } })).toBe(
      '<form id="f" novalidate=""><input required="" id="f-email" name="email" form="f" type="email" maxLength="50" value="a@b.c"/>' +
        '<input required="" id="f-age" name="age" form="f" type="text" min="1" max="9" value="3"/>' +
        '<input id="f-ok" name="ok" form="f" type="checkbox" checked="" value="on"/>' +
        '<select id="f-sel" name="sel" form="f"><option value="a">a</option><option value="b" selected="">b</option></select>' +
        '<textarea id="f-notes" name="notes" form="f">hi</textarea>' +
        '<input required="" id="f-lines[0].description" name="lines[0].description" form="f" type="text" value="one"/><p></p></form>',
    );
  });

  it("after a refusal: the values as submitted, each error wired to its field, the form's own above", () => {
    const lastResult: FormResult = {
      status: "error",
      initialValue: { email: "bad", lines: [{ description: "l1" }] },
      error: { email: ["Bad email"], "": ["Form broke"], "lines[0].description": ["Required"] },
    };
    expect(html({ lastResult, defaultValue: { email: "ignored" } })).toBe(
      '<form id="f" novalidate="" aria-describedby="f-error">' +
        '<input required="" id="f-email" name="email" form="f" aria-invalid="true" aria-describedby="f-email-error" type="email" maxLength="50" value="bad"/>' +
        '<input required="" id="f-age" name="age" form="f" type="text" min="1" max="9"/>' +
        '<input id="f-ok" name="ok" form="f" type="checkbox" value="on"/>' +
        '<select id="f-sel" name="sel" form="f"><option value="a">a</option><option value="b">b</option></select>' +
        '<textarea id="f-notes" name="notes" form="f"></textarea>' +
        '<input required="" id="f-lines[0].description" name="lines[0].description" form="f" aria-invalid="true" aria-describedby="f-lines[0].description-error" type="text" value="l1"/>' +
        "<p>Form broke</p></form>",
    );
  });

  it("a list button's reply shows only the errors that button concerns; a reset starts from the defaults", () => {
    const insert: FormResult = {
      initialValue: { email: "x", lines: [{ description: "a" }, { description: "" }] },
      intent: { type: "insert", payload: { name: "lines" } },
      error: { email: ["Bad"], "": ["Not now"] },
      fields: ["email", "lines[0].description"],
    };
    const page = html({ lastResult: insert, live: true });
    expect(page).not.toContain("aria-invalid");
    expect(page).toContain('name="lines[1].description" form="f" type="text"/>');
    expect(html({ lastResult: { initialValue: null }, defaultValue: { email: "d@e.f" }, live: true })).toContain('value="d@e.f"');
  });
});
