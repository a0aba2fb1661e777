import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, it } from "vitest";
import { CUSTOMER_LIMITS, CustomerFormSchema } from "./customer-form";

function formData(values: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) data.append(key, value);
  return data;
}

/** Parses the way the route does: through Conform, so blank inputs arrive as undefined. */
function parse(values: Record<string, string>) {
  return parseWithZod(formData(values), { schema: CustomerFormSchema });
}

function fieldErrors(values: Record<string, string>) {
  const submission = parse(values);
  expect(submission.status).toBe("error");
  return submission.reply().error ?? {};
}

describe("CustomerFormSchema", () => {
  it("accepts a full customer, trimming and lower-casing the email", () => {
    const submission = parse({
      name: "  Ada Lovelace  ",
      email: "  Ada@Example.COM ",
      phone: "+1 (555) 123-4567",
      addressLine1: "12 Main St",
      addressLine2: "Unit 4",
      city: "Springfield",
      region: "IL",
      postalCode: "62701",
      country: "USA",
      notes: "Gate code 1234\r\nDog is friendly",
    });
    expect(submission.status).toBe("success");
    if (submission.status !== "success") return;
    expect(submission.value).toEqual({
      name: "Ada Lovelace",
      email: "ada@example.com",
      phone: "+1 (555) 123-4567",
      addressLine1: "12 Main St",
      addressLine2: "Unit 4",
      city: "Springfield",
      region: "IL",
      postalCode: "62701",
      country: "USA",
      notes: "Gate code 1234\nDog is friendly",
    });
  });

  it("needs only a name; blank and whitespace-only optional fields become undefined", () => {
    const submission = parse({ name: "Bob", email: "", phone: "   ", city: " ", notes: "  \n " });
    expect(submission.status).toBe("success");
    if (submission.status !== "success") return;
    expect(submission.value).toEqual({ name: "Bob" });
  });

  it("requires a name", () => {
    expect(fieldErrors({ name: "" }).name).toEqual(["Enter the customer's name"]);
    expect(fieldErrors({ name: "    " }).name).toEqual(["Enter the customer's name"]);
    expect(fieldErrors({ email: "a@example.com" }).name).toEqual(["Enter the customer's name"]);
  });

  it.each([
    "not-an-email",
    "a@b",
    "a@@example.com",
    "a b@example.com",
    "a@example..com",
    ".a@example.com",
    "a@example.com, b@example.com",
    "a@example.com\nBcc: x@evil.example",
    "<script>@example.com",
  ])("rejects the email %j", (email) => {
    expect(fieldErrors({ name: "Ada", email }).email).toEqual(["Enter a valid email address, like name@example.com"]);
  });

  it("accepts plus addressing, subdomains and apostrophes in emails", () => {
    for (const email of ["ada+jobs@mail.example.co.uk", "o'brien@example.ie", "A.B-C_d@Example.org"]) {
      const submission = parse({ name: "Ada", email });
      expect(submission.status, email).toBe("success");
    }
  });

  it("limits the email to 254 characters", () => {
    const email = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.com`;
    expect(email.length).toBe(255);
    expect(fieldErrors({ name: "Ada", email }).email).toContain("Use at most 254 characters");
  });

  it.each(["555-1234", "+44 20 7946 0958", "(555) 123.4567", "5551234567"])("accepts the phone %j", (phone) => {
    expect(parse({ name: "Ada", phone }).status).toBe("success");
  });

  it("rejects phones with letters or other symbols", () => {
    expect(fieldErrors({ name: "Ada", phone: "555-CALL-NOW" }).phone).toEqual(["Use only digits, spaces and + - ( ) ."]);
    expect(fieldErrors({ name: "Ada", phone: "555 1234 ext 5" }).phone).toEqual(["Use only digits, spaces and + - ( ) ."]);
    expect(fieldErrors({ name: "Ada", phone: "<b>5551234</b>" }).phone).toEqual(["Use only digits, spaces and + - ( ) ."]);
  });

  it("needs at least 7 digits in a phone", () => {
    expect(fieldErrors({ name: "Ada", phone: "555-123" }).phone).toEqual(["Enter a phone number with at least 7 digits"]);
    expect(fieldErrors({ name: "Ada", phone: "(+) - . ( )" }).phone).toEqual(["Enter a phone number with at least 7 digits"]);
    expect(parse({ name: "Ada", phone: "555-1234" }).status).toBe("success");
  });

  it("limits the phone to 40 characters", () => {
    expect(fieldErrors({ name: "Ada", phone: "1".repeat(41) }).phone).toEqual(["Use at most 40 characters"]);
    expect(parse({ name: "Ada", phone: "1".repeat(40) }).status).toBe("success");
  });

  it.each(Object.entries(CUSTOMER_LIMITS).filter(([field]) => field !== "email" && field !== "phone"))(
    "accepts %s up to %i characters and rejects one more",
    (field, max) => {
      expect(parse({ name: "Ada", [field]: "x".repeat(max) }).status).toBe("success");
      expect(fieldErrors({ name: "Ada", [field]: "x".repeat(max + 1) })[field]).toEqual([`Use at most ${max} characters`]);
    },
  );

  it("counts length after trimming", () => {
    expect(parse({ name: `  ${"x".repeat(100)}  ` }).status).toBe("success");
  });

  it("keeps markup as plain text", () => {
    const submission = parse({ name: `<script>alert("x")</script>`, notes: `<img src=x onerror=alert(1)>` });
    expect(submission.status).toBe("success");
    if (submission.status !== "success") return;
    expect(submission.value.name).toBe(`<script>alert("x")</script>`);
    expect(submission.value.notes).toBe(`<img src=x onerror=alert(1)>`);
  });

  it("rejects control characters (Postgres refuses NUL) but keeps line breaks in notes", () => {
    expect(fieldErrors({ name: "Ada\u0000" }).name).toEqual(["Remove the invisible control characters"]);
    expect(fieldErrors({ name: "Ada", city: "Spring\nfield" }).city).toEqual(["Remove the invisible control characters"]);
    expect(fieldErrors({ name: "Ada", notes: "a\u0000b" }).notes).toEqual(["Remove the invisible control characters"]);
    const ok = parse({ name: "Ada", notes: "line 1\n\tline 2" });
    expect(ok.status).toBe("success");
  });

  it("reports every bad field at once", () => {
    const errors = fieldErrors({ name: "", email: "nope", phone: "12", postalCode: "x".repeat(21) });
    expect(Object.keys(errors).sort()).toEqual(["email", "name", "phone", "postalCode"]);
  });

  it("rejects a field sent twice instead of guessing", () => {
    const data = formData({ name: "Ada" });
    data.append("name", "Bob");
    expect(parseWithZod(data, { schema: CustomerFormSchema }).status).toBe("error");
  });
});
