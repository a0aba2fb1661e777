// Reading server-rendered pages in tests through an HTML parser (node-html-parser), never regular
// expressions: attributes in any order, entities decoded, and the hydration data in <script> elements
// never mistaken for the page. What a browser with JavaScript off would show or submit is what counts.
import { NodeType, parse, type HTMLElement, type Node } from "node-html-parser";

export { NodeType };
export type { HTMLElement };

/** The parsed page. Script contents stay raw text, so queries never find markup inside the hydration data. */
export function parseHtml(html: string) {
  return parse(html, { comment: false });
}

function rootOf(page: string | HTMLElement) {
  return typeof page === "string" ? parseHtml(page) : page;
}

/** The page's markup without its <script> elements (not the hydration data), for assertions on markup. */
export function visibleHtml(html: string) {
  const root = parse(html, { comment: true, voidTag: { closingSlash: true } });
  for (const script of root.querySelectorAll("script")) script.remove();
  return root.toString();
}

const HIDDEN_TEXT = new Set(["script", "style"]);

/**
 * Text of a node as a reader sees it: text nodes (entities decoded) with a space at every element
 * boundary, React's `<!-- -->` text separators as nothing, scripts and styles left out, whitespace collapsed.
 */
export function textOf(node: Node): string {
  let text = "";
  const walk = (n: Node) => {
    if (n.nodeType === NodeType.TEXT_NODE) text += n.text;
    else if (n.nodeType === NodeType.ELEMENT_NODE && !HIDDEN_TEXT.has((n as HTMLElement).rawTagName?.toLowerCase())) {
      text += " ";
      n.childNodes.forEach(walk);
      text += " ";
    }
  };
  walk(node);
  return text.replace(/\s+/g, " ");
}

/** Visible text of a page (no scripts, entities decoded, whitespace collapsed), for message assertions. */
export function pageText(html: string | HTMLElement) {
  return textOf(rootOf(html));
}

/** An element's text as a reader sees it (see textOf), trimmed. */
export function contentOf(element: HTMLElement) {
  return textOf(element).trim();
}

/** Text content of the first element matching `selector`, or null when there is none. */
export function textAt(html: string | HTMLElement, selector: string) {
  const element = rootOf(html).querySelector(selector);
  return element ? contentOf(element) : null;
}

/** Text content of every element matching `selector`, in page order. */
export function textsAt(html: string | HTMLElement, selector: string) {
  return rootOf(html).querySelectorAll(selector).map(contentOf);
}

/** An attribute of every element matching `selector` that has it, in page order (decoded). */
export function attributesAt(html: string | HTMLElement, selector: string, attribute: string) {
  return rootOf(html)
    .querySelectorAll(selector)
    .map((element) => element.getAttribute(attribute))
    .filter((value): value is string => value !== undefined);
}

/** The first element matching `selector`, or null. */
export function elementAt(html: string | HTMLElement, selector: string) {
  return rootOf(html).querySelector(selector);
}

/** Every element matching `selector`, in page order. */
export function elementsAt(html: string | HTMLElement, selector: string) {
  return rootOf(html).querySelectorAll(selector);
}

/** The href of the first link whose text is `text`, or null. */
export function linkHref(html: string | HTMLElement, text: string) {
  return (
    elementsAt(html, "a[href]")
      .find((a) => contentOf(a) === text)
      ?.getAttribute("href") ?? null
  );
}

const quoted = (value: string) => JSON.stringify(value);

/** The value of one control as rendered: an input's value attribute, a textarea's text, a select's selected option. */
function controlValue(control: HTMLElement): string {
  const tag = control.rawTagName.toLowerCase();
  if (tag === "textarea") return control.text;
  if (tag === "select") return control.querySelector("option[selected]")?.getAttribute("value") ?? "";
  return control.getAttribute("value") ?? "";
}

/**
 * The value of the input (or textarea, or selected option) named `name` as the page renders it
 * (the first such control), or null when the page has none.
 */
export function fieldValue(html: string | HTMLElement, name: string): string | null {
  const root = rootOf(html);
  const control =
    root.querySelector(`input[name=${quoted(name)}]`) ??
    root.querySelector(`textarea[name=${quoted(name)}]`) ??
    root.querySelector(`select[name=${quoted(name)}]`);
  return control ? controlValue(control) : null;
}

/** The value of the first hidden-or-not input named `name` that carries a value, or null. */
export function hiddenValue(html: string, name: string) {
  return (
    rootOf(html)
      .querySelector(`input[name=${quoted(name)}][value]`)
      ?.getAttribute("value") ?? null
  );
}

/** Every value of the inputs named `name`, in page order (one per row of a list, for example). */
export function inputValues(html: string | HTMLElement, name: string) {
  return attributesAt(html, `input[name=${quoted(name)}]`, "value");
}

/** The values of the submit buttons named `name` (`intent` buttons), in page order. */
export function buttonValues(html: string | HTMLElement, name = "intent") {
  return attributesAt(html, `button[name=${quoted(name)}]`, "value");
}

/** Every `name="__intent__"` button's value (Conform's intent buttons). */
export function intentButtons(html: string) {
  return buttonValues(html, "__intent__");
}

/** The form matching `selector` (default: the first form with method post), or throws. */
export function formAt(html: string | HTMLElement, selector = 'form[method="post"]') {
  const form = elementAt(html, selector);
  if (!form) throw new Error(`no ${selector} on the page`);
  return form;
}

/** The error messages listed under a field (Conform's `<ul id="…-error"><li>…</li></ul>` or a single element). */
export function fieldErrors(html: string | HTMLElement, errorId: string) {
  const element = elementAt(html, `[id=${quoted(errorId)}]`);
  if (!element) return [];
  const items = element.querySelectorAll("li");
  return items.length ? items.map(contentOf) : [contentOf(element)].filter(Boolean);
}

/** The line items of a rendered invoice/estimate editor. */
export function renderedLines(html: string) {
  const root = rootOf(html);
  const lines: { description: string | null; quantity: string | null; unitPrice: string | null }[] = [];
  for (let i = 0; fieldValue(root, `lines[${i}].description`) !== null; i++) {
    lines.push({
      description: fieldValue(root, `lines[${i}].description`),
      quantity: fieldValue(root, `lines[${i}].quantity`),
      unitPrice: fieldValue(root, `lines[${i}].unitPrice`),
    });
  }
  return lines;
}
