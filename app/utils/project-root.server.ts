// The project folder (the one holding package.json), found from a module's own folder. Code that reads
// files of the project (the build, public/, jobs/crontab) runs both as source (tsx server.ts) and
// compiled into the build folder (node build/server.js, scripts/build-server.ts), so it cannot assume
// where it sits.
import { existsSync } from "node:fs";
import path from "node:path";

export function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
