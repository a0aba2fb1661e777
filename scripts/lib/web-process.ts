// How production runs the web process (npm start, scripts/start.ts), shared with the bench so that it measures
// the same process. Issue 17's memory target: at most 200 MB of RSS after 10 minutes of mixed load, not
// growing (BENCHMARKS.md, "Memory under mixed load"). Paired runs of the bench's memory phase (3 minutes,
// December 2026) chose these:
// - MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (libuv's pool compressing responses, V8's
//   helpers) its own 64 MB arena and keeps their freed pages. Two arenas: peak 255 against 305 MB, and
//   the RSS stops creeping (+1.9 against +13.4 MB over the second half), with the same GC time per request.
// - No V8 heap limits. --max-old-space-size=192 lowers V8's heap growing factor to its minimum (1.3): 6 MB
//   less at the peak for 19 % more Node CPU per page; --max-semi-space-size=4 on top: 30 MB less for 69 %
//   more (bench page CPU, paired). The live heap is 60-70 MB; what grows is garbage between collections.

/** Node and V8 flags for build/server.js. */
export const WEB_NODE_FLAGS: string[] = [];

/** Environment for the web process (a deployment that runs `node build/server.js` itself should set it too). */
export const WEB_ENV: Record<string, string> = { MALLOC_ARENA_MAX: "2" };
