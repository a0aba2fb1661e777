/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

import "@remix-run/node";
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Per-request nonce for the Content-Security-Policy, set in server.ts. */
    cspNonce: string;
    /** The client address: the socket peer unless TRUST_PROXY says which proxy to believe. */
    clientIp: string;
    /** Set by the pay page's loader when the page it renders may be served again (app/web/page-cache.server.ts). */
    pageToKeep?: { key: string; fingerprint: string };
    /** Set by server.ts for a contractor page that may be kept once rendered: the fingerprint read before its loaders. */
    sessionPageRender?: import("~/web/page-cache.server").SessionPageRender;
  }
}
