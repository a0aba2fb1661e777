// ESLint (flat config): TypeScript, React, hooks, accessibility, import order, and the two layer rules
// the architecture asks for (docs/decisions/019-dev-server-and-inner-loop.md). Formatting is Prettier's
// job (eslint-config-prettier turns the style rules off). `npm run lint` runs it; .ci/run too.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import importX from "eslint-plugin-import-x";
import jsxA11y from "eslint-plugin-jsx-a11y";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const testFiles = ["tests/**", "**/*.test.{ts,tsx}"];

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "public/build/**",
      "app/generated/**",
      "node_modules/**",
      "tests/.tmp/**",
      ".data/**",
      ".cache/**",
      "playwright-report/**",
      "test-results/**",
      "backups/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: "latest", sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [] },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "separate-type-imports", disallowTypeAnnotations: false }],
      // Playwright fixtures destructure even when they use nothing.
      "no-empty-pattern": "off",
      // Sanitizers strip control characters on purpose (headers, CSV, log lines).
      "no-control-regex": "off",
      // The house style keeps `import type { … }` apart from the value import of the same module.
      "import-x/no-duplicates": "error",
      "import-x/first": "error",
      // Groups in order (node:, packages, ~/, then relative); within a group, the author's order.
      "import-x/order": [
        "error",
        {
          groups: ["builtin", "external", "internal", "parent", "sibling", "index"],
          pathGroups: [{ pattern: "~/**", group: "internal" }],
          pathGroupsExcludedImportTypes: ["builtin"],
        },
      ],
    },
  },
  {
    files: ["app/**/*.tsx"],
    ...react.configs.flat.recommended,
    ...react.configs.flat["jsx-runtime"],
    languageOptions: { ...react.configs.flat.recommended.languageOptions, globals: { ...globals.browser, ...globals.node } },
    settings: { react: { version: "18" } },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      ...jsxA11y.flatConfigs.recommended.rules,
    },
  },
  // Layers (issue 16): app code never imports the tests; components never import server code (a
  // type-only import is erased at build time and allowed).
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: testFiles,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/tests/**", "~/../tests/**"], message: "App code never imports the tests." }] },
      ],
    },
  },
  {
    files: ["app/components/**/*.{ts,tsx}"],
    ignores: testFiles,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/tests/**", "~/../tests/**"], message: "App code never imports the tests." },
            {
              group: ["**/*.server", "**/*.server.*", "**/*.server/**"],
              allowTypeImports: true,
              message: "Components never import server code: pass the data in as props.",
            },
          ],
        },
      ],
    },
  },
  // Infrastructure (app/utils) never imports the domain or the web layer: routes → domain → infrastructure.
  {
    files: ["app/utils/**/*.{ts,tsx}"],
    ignores: testFiles,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/tests/**", "~/../tests/**"], message: "App code never imports the tests." },
            {
              group: ["~/models/**", "../models/**", "~/web/**", "../web/**", "~/routes/**"],
              message: "Infrastructure never imports the domain or the web layer.",
            },
          ],
        },
      ],
    },
  },
  // The domain never imports the web layer, routes or components, with no exception.
  {
    files: ["app/models/**/*.{ts,tsx}"],
    ignores: testFiles,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/tests/**", "~/../tests/**"], message: "App code never imports the tests." },
            {
              group: ["~/web/**", "../web/**", "~/routes/**", "~/components/**", "../components/**"],
              message: "The domain never imports the web layer, routes or components.",
            },
          ],
        },
      ],
    },
  },
  // Test helpers keep terse comma expressions (a hand-written CSV reader, timers released in a loop).
  { files: testFiles, rules: { "@typescript-eslint/no-unused-expressions": "off" } },
  // remix.env.d.ts: the compiler's ambient types come in by triple-slash reference, as Remix generates it.
  { files: ["**/*.d.ts"], rules: { "@typescript-eslint/triple-slash-reference": "off" } },
  prettier,
);
