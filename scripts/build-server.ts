// Compiles server.ts (which starts the job worker in-process unless WORKER_IN_PROCESS=false) and the
// stand-alone worker (jobs/run.ts) into plain JavaScript next to the Remix build: build/server.js and
// build/worker.js. Production runs them with plain `node`: no TypeScript loader in the process, which
// costs about 110 MB of RSS and start-up time (BENCHMARKS.md, memory). npm packages stay external
// (node_modules is there at run time); our own code (app/, jobs/) is bundled, as the Remix build does, with
// the code both share and what server.ts imports on demand in build/server-chunks/. Then it writes the
// browser build's precompressed copies (`.br` and `.gz` beside each script, scripts/lib/precompress.ts).
import path from "node:path";
import { build } from "esbuild";
import { precompressAssets } from "./lib/precompress";

const ROOT = path.resolve(import.meta.dirname, "..");
const outdir = path.resolve(ROOT, process.env.BUILD_DIR ?? "build");

await build({
  absWorkingDir: ROOT,
  entryPoints: { server: "server.ts", worker: "jobs/run.ts" },
  outdir,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  // server.ts imports the in-process worker (jobs/worker.ts) only when WORKER_IN_PROCESS=true: split it into
  // its own chunk. Bundled into server.js, its npm imports (graphile-worker, stripe, postmark, yazl, a
  // second Prisma client's code) were hoisted to the top and loaded by every web process (BENCHMARKS.md, memory).
  splitting: true,
  chunkNames: "server-chunks/[name]-[hash]",
  alias: { "~": path.join(ROOT, "app") },
  sourcemap: true,
  logLevel: "warning",
});
console.log(`[build-server] ${path.relative(ROOT, outdir) || "."}/server.js and worker.js`);

const started = performance.now();
const assets = await precompressAssets(path.join(outdir, "public"));
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
console.log(
  `[build-server] ${assets.files} browser files precompressed in ${Math.round(performance.now() - started)} ms: ` +
    `${kb(assets.bytes)} → ${kb(assets.brotliBytes)} brotli, ${kb(assets.gzipBytes)} gzip`,
);
