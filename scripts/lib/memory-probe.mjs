// Loaded into the web process by the bench's memory phase (`node --import`, scripts/bench.ts): writes
// process.memoryUsage() and the time spent in garbage collection so far to BENCH_MEMORY_FILE every second, so
// the bench can tell the V8 heap apart from the rest of the RSS (native memory, code, buffers), and what a
// smaller heap costs in GC time, without any hook in the app. Plain JavaScript: the server runs under plain node.
import { writeFileSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  let gcMs = 0;
  let gcCount = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcCount++;
    }
  }).observe({ entryTypes: ["gc"] });
  setInterval(() => writeFileSync(file, JSON.stringify({ ...process.memoryUsage(), gcMs, gcCount })), 1000).unref();
}
