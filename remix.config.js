import { flatRoutes } from "remix-flat-routes";

// BUILD_DIR lets several builds coexist (the test harness builds into its own folder per run).
const buildDir = process.env.BUILD_DIR ?? "build";

/** @type {import('@remix-run/dev').AppConfig} */
export default {
  // Routes are grouped by area in `+` folders (remix-flat-routes); see the README's layout map.
  // Files named `__*.*` beside a route are its parts, not routes.
  ignoredRouteFiles: ["**/*"],
  routes: async (defineRoutes) =>
    flatRoutes("routes", defineRoutes, {
      ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}", "**/__*.*"],
    }),
  serverModuleFormat: "esm",
  serverPlatform: "node",
  serverBuildPath: `${buildDir}/index.js`,
  assetsBuildDirectory: `${buildDir}/public`,
  publicPath: "/build/",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
  },
};
