import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import type { Plugin } from 'vite';

/**
 * pdf.js fetches character maps (CJK and other non-Latin encodings), the 14 standard fonts, its
 * image decoders (wasm) and colour profiles at run time. They are copied into the build under
 * /pdfjs/ and served from node_modules in development, so no document ever needs the internet.
 */
const ASSET_FOLDERS = ['cmaps', 'standard_fonts', 'wasm', 'iccs'] as const;
export const PDFJS_ASSET_BASE = 'pdfjs';

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

export function pdfjsAssets(): Plugin {
  let outDir = 'dist';
  return {
    name: 'ehop-pdfjs-assets',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(`/${PDFJS_ASSET_BASE}/`, (req, res, next) => {
        const file = normalize(join(pdfjsRoot, decodeURIComponent((req.url ?? '').split('?')[0]!)));
        const allowed = ASSET_FOLDERS.some((folder) => file.startsWith(join(pdfjsRoot, folder)));
        if (!allowed || !existsSync(file) || !statSync(file).isFile()) return next();
        createReadStream(file).pipe(res);
      });
    },
    closeBundle() {
      for (const folder of ASSET_FOLDERS) {
        cpSync(join(pdfjsRoot, folder), join(outDir, PDFJS_ASSET_BASE, folder), { recursive: true });
      }
    },
  };
}
