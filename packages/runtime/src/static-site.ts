import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Response, Router } from 'express';
import type { Logger } from './logger.ts';

/** The web app's build output (`packages/web/dist`), the same from `src/` and from a compiled `dist/`. */
export const WEB_APP_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Vite names every file under `assets/` after its content hash: a changed file is a new URL. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** Everything else (index.html above all) is revalidated, so a deploy is picked up at once. */
export const REVALIDATE_CACHE = 'no-cache';

/** Paths that belong to the server, never to the app's client-side routes. */
const SERVER_PATHS = /^\/(api|socket\.io)(\/|$)|^\/(healthz|readyz|metrics)$/;

export interface StaticSiteOptions {
  root?: string;
  log?: Logger;
}

/**
 * Serves the built web app at `/`: hashed assets cached for a year, other files revalidated, and
 * the app's own routes (`/ops`, …) answered with `index.html` (SPA fallback), the same rules as
 * nginx's `location /`. Server paths and missing assets fall through to the JSON 404. Mount it
 * after the API routes.
 */
export function staticSite({ root = WEB_APP_DIR, log }: StaticSiteOptions = {}): Router {
  const router = Router();
  const indexFile = path.join(root, 'index.html');
  if (!fs.existsSync(indexFile)) {
    log?.warn({ root }, 'web app not built: / answers 503 (run npm run build -w @switchboard/web)');
  }
  const sendIndex = (res: Response) => {
    if (!fs.existsSync(indexFile)) {
      res
        .status(503)
        .type('text/plain')
        .send('The Switchboard web app is not built. Run: npm run build -w @switchboard/web\n');
      return;
    }
    res.set('Cache-Control', REVALIDATE_CACHE).sendFile(indexFile);
  };

  router.use(
    '/assets',
    express.static(path.join(root, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: true }),
  );
  router.use((req, res, next) => {
    if (req.path.startsWith('/assets/')) return next();
    return express.static(root, {
      index: false,
      setHeaders: (response) => void response.setHeader('Cache-Control', REVALIDATE_CACHE),
    })(req, res, next);
  });
  router.get(/.*/, (req, res, next) => {
    // Like nginx's `try_files $uri /index.html`: a missing asset is a 404, any other path the app's.
    if (SERVER_PATHS.test(req.path) || req.path.startsWith('/assets/')) return next();
    sendIndex(res);
  });
  return router;
}
