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
// Fifth round (issue 17, 3-minute memory phases, same seed, one after the other):
// - --heap-growing-percent=25: V8 lets the old generation grow to 1.25× what survived the last full
//   collection before the next, instead of a factor of up to 4 it picks at a high allocation rate (a cap like
//   --max-old-space-size does not change the factor until the cap is near, and then collects at every step).
//   With --max-semi-space-size=8 (a 24 MB young generation instead of 48): heap 315 → 100 MB at the end,
//   RSS peak 466 → 207 MB, requests served in the 3 minutes 36,793 → 41,046, GC pauses 0.41 ms a request;
//   Node CPU per page in two paired quick benches (ABBA) +5 % on the sum of the six target pages, within
//   their noise.
// - MALLOC_MMAP_THRESHOLD_=65536 (and the trim threshold it implies): glibc serves the compression
//   contexts' 64-256 KB buffers with mmap and gives them back on free, instead of raising its threshold and
//   keeping them in its heap: RSS outside the V8 heap 136 → 108 MB at the end of the phase.
// Sixth round: Prisma's query compiler as its size-optimised WebAssembly build (prisma/schema.prisma,
// compilerBuild = "small"): 3-minute phase peak 231 → 173 MB; the 10-minute phase peaks at 174 MB.

/** Node and V8 flags for build/server.js. */
export const WEB_NODE_FLAGS: string[] = ["--heap-growing-percent=25", "--max-semi-space-size=8"];

/** Environment for the web process (a deployment that runs `node build/server.js` itself should set it too). */
export const WEB_ENV: Record<string, string> = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "65536", MALLOC_TRIM_THRESHOLD_: "131072" };
