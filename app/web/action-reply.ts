// The one reply shape of every form action (issue 16, after the Epic Stack's settings+/profile.index.tsx):
// `{ result }`, Conform's SubmissionResult, which the form passes to useServerForm
// (app/components/server-form.ts) as `lastResult`. Success
// never answers with it: it redirects with a flash (POST/redirect/GET).
// A form that must show something beyond its fields after a round trip (the editor's search matches, what
// a fill-in button did, the values the server worked out) carries it in the one optional `display`.
// Plain types, so components import them without reaching server code.
import type { SubmissionResult } from "@conform-to/zod/v4";

export type ActionReply<Display = never> = {
  result: SubmissionResult<string[]>;
  display?: Display;
};
