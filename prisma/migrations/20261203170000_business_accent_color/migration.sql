-- Branding (issue 14): the business's accent colour on its customer pages, emails and PDFs. NULL keeps
-- Invoice Link's own look. Stored lower-case #rrggbb; the check keeps anything else (a CSS expression,
-- a named colour) out even if a future writer skips the form's validation, because the value is written
-- into a stylesheet, email HTML and PDF operators.

-- AlterTable
ALTER TABLE "Business" ADD COLUMN "accentColor" TEXT;
ALTER TABLE "Business" ADD CONSTRAINT "Business_accentColor_check" CHECK ("accentColor" ~ '^#[0-9a-f]{6}$');
