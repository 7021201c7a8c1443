import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import type { Logger } from '../logger.js';

/**
 * Serves the built web app when it exists. Unknown paths outside /api get index.html, so
 * the app's own routes (e.g. /meetings/abc) survive a page reload.
 */
export function serveClient(app: Express, clientDist: string, logger: Logger): void {
  const indexHtml = join(clientDist, 'index.html');
  if (!existsSync(indexHtml)) {
    logger.warn({ clientDist }, 'web app not built: serving the API only');
    return;
  }
  app.use(express.static(clientDist, { index: 'index.html', maxAge: '1h' }));
  app.get(/^(?!\/api(\/|$)|\/healthz$).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  });
}
