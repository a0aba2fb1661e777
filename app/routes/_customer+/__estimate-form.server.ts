// The customer's estimate page's form schema (preview, approve, decline). Server only: the page ships no
// JavaScript, and zod must not be in any browser chunk either (esbuild's code splitting would make other
// pages load it; issue 17).
import { z } from "zod";
import { SIGNATURE_MAX } from "~/components/estimate-choices";

// Any printable text with at least one letter (names carry digits and suffixes too: "Robin Lee 3rd");
// never markup or control characters.
const SIGNATURE = /^(?=.*\p{L})[^\p{Cc}<>]+$/u;
/** More tick boxes than any estimate offers are cut off, not refused. */
const MAX_CHOICES = 200;
export const UNKNOWN_DECISION = "Choose approve or decline";

/** The typed name that signs an approval, or why it does not. */
function parseSignature(value: unknown): { name: string } | { error: string } {
  const name = typeof value === "string" ? value.trim().replace(/\s+/g, " ") : "";
  if (name.length < 2) return { error: "Type your full name to approve" };
  if (name.length > SIGNATURE_MAX) return { error: `Keep your name under ${SIGNATURE_MAX} characters` };
  if (!SIGNATURE.test(name)) return { error: "Type your name as you would sign it, without < or >" };
  return { name };
}

const Signature = z.unknown().transform((value, ctx) => {
  const signature = parseSignature(value);
  if ("error" in signature) {
    ctx.addIssue({ code: "custom", message: signature.error });
    return z.NEVER;
  }
  return signature.name;
});

/** The ticked optional lines (`option`, repeated): none, one or many. */
export function chosenIds(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === "string").slice(0, MAX_CHOICES);
}

/**
 * The page's forms as one schema on the button pressed (`decision`, the name its buttons have had since the
 * first links went out): "Update total" (preview) and "Approve estimate" carry the ticked extras, approving
 * also the typed name; "Decline" carries nothing. The link's `t` and `d` are checked before the form.
 */
export function decisionSchema(optionalIds: ReadonlySet<string>) {
  const choices = z.preprocess(chosenIds, z.array(z.string()));
  const onlyOffered = (value: { option: string[] }, ctx: z.RefinementCtx) => {
    if (value.option.some((id) => !optionalIds.has(id)))
      ctx.addIssue({ code: "custom", path: ["options"], message: "Choose only from the optional items offered" });
  };
  return z.discriminatedUnion("decision", [
    z.object({ decision: z.literal("preview"), option: choices }).superRefine(onlyOffered),
    z.object({ decision: z.literal("approve"), option: choices, name: Signature }).superRefine(onlyOffered),
    z.object({ decision: z.literal("decline") }),
  ]);
}
