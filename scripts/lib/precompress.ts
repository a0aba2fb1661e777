// The browser build's scripts and styles, compressed once at build time at the strongest levels (issue 17):
// brotli at quality 11 (`.br`, what Chrome, Safari and Firefox get over HTTPS) and gzip made by zopfli (`.gz`,
// for a browser without brotli; zopfli writes ordinary gzip 3–5 % smaller than zlib's level 9). server.ts
// serves them with express-static-gzip; a per-request compressor cannot afford these levels (brotli 11 costs
// about 100× brotli 4's CPU), a file hashed and cached for a year can. Decision 026.
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { brotliCompress, constants } from "node:zlib";
import { promisify } from "node:util";
import { gzipAsync } from "@gfx/zopfli";

const COMPRESSIBLE = /\.(js|css|svg)$/;

const brotli = promisify(brotliCompress);

export async function precompressAssets(dir: string): Promise<{ files: number; bytes: number; gzipBytes: number; brotliBytes: number }> {
  const names = (await readdir(dir, { recursive: true, encoding: "utf8" })).filter((name) => COMPRESSIBLE.test(name));
  const totals = { files: 0, bytes: 0, gzipBytes: 0, brotliBytes: 0 };
  await Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      const source = await readFile(file);
      const [br, gz] = await Promise.all([
        brotli(source, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: source.byteLength,
          },
        }),
        gzipAsync(source, { numiterations: 5 }),
      ]);
      // Small chunks too (the server's compression leaves answers under 1 KB alone), when it pays.
      if (gz.byteLength >= source.byteLength) return;
      await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gz)]);
      totals.files += 1;
      totals.bytes += source.byteLength;
      totals.gzipBytes += gz.byteLength;
      totals.brotliBytes += br.byteLength;
    }),
  );
  return totals;
}
