// The web app's two hooks in a server: the dev-only token endpoint and the static site. A real
// express app on port 0 (createHttpApp + finishHttpApp, as the embedded server builds it).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import jwt from 'jsonwebtoken';
import { createTokenVerifier } from './auth.ts';
import { DEV_JWT_SECRET } from './config.ts';
import { devTokenRouter } from './dev-token.ts';
import { createHttpApp, finishHttpApp, listen } from './http.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { IMMUTABLE_CACHE, REVALIDATE_CACHE, staticSite } from './static-site.ts';

async function serve(
  mount: (app: ReturnType<typeof createHttpApp>) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const log = createLogger({ service: 'test', level: 'silent' });
  const metrics = createMetrics('test');
  const app = createHttpApp({ log, metrics });
  mount(app);
  finishHttpApp(app, log, metrics);
  const server = http.createServer(app);
  const port = await listen(server, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('dev token endpoint', () => {
  test('on the public dev secret it mints a token the server itself accepts', async () => {
    const server = await serve((app) => app.use('/api', devTokenRouter({ secret: DEV_JWT_SECRET })));
    try {
      const status = await (await fetch(`${server.url}/api/dev/token`)).json();
      assert.deepEqual(status, { success: true, available: true });
      const response = await post(`${server.url}/api/dev/token`, {
        name: 'Dr. Ada Lovelace',
        role: 'admin',
        phone: '+44 20 7946 0958',
      });
      assert.equal(response.status, 201);
      const body = (await response.json()) as { token: string; userId: string; expiresAt: string };
      assert.equal(body.userId, 'dr-ada-lovelace');
      const principal = createTokenVerifier({ secret: DEV_JWT_SECRET }).verify(body.token);
      assert.deepEqual(principal, {
        userId: 'dr-ada-lovelace',
        name: 'Dr. Ada Lovelace',
        role: 'admin',
        phone: '+442079460958',
      });
      assert.ok(Date.parse(body.expiresAt) > Date.now());
      const chosen = (await (await post(`${server.url}/api/dev/token`, { name: 'Bob', userId: 'u-42' })).json()) as {
        token: string;
      };
      assert.equal((jwt.decode(chosen.token) as { sub: string }).sub, 'u-42');
    } finally {
      await server.close();
    }
  });

  test('bad input is a 400 naming the field, and nothing is signed', async () => {
    const server = await serve((app) => app.use('/api', devTokenRouter({ secret: DEV_JWT_SECRET })));
    try {
      for (const [body, field] of [
        [{}, 'name'],
        [{ name: '  ' }, 'name'],
        [{ name: 'A', phone: 'call me' }, 'phone'],
        [{ name: '!!!' }, 'userId'],
        [{ name: 'a\u0000b' }, 'name'],
      ] as const) {
        const response = await post(`${server.url}/api/dev/token`, body);
        assert.equal(response.status, 400, JSON.stringify(body));
        const answer = (await response.json()) as { code: string; error: string };
        assert.equal(answer.code, 'INVALID_PAYLOAD');
        assert.match(answer.error, new RegExp(field));
      }
      assert.equal((await post(`${server.url}/api/dev/token`, '{not json')).status, 400);
      assert.equal((await fetch(`${server.url}/api/dev/token`)).status, 200, 'still serving');
    } finally {
      await server.close();
    }
  });

  test('with any other secret, or RS256, it refuses and says why', async () => {
    for (const auth of [{ secret: 'a-cluster-secret-of-its-own' }, { publicKey: '-----BEGIN PUBLIC KEY-----' }]) {
      const server = await serve((app) => app.use('/api', devTokenRouter(auth)));
      try {
        const status = (await (await fetch(`${server.url}/api/dev/token`)).json()) as {
          available: boolean;
          reason: string;
        };
        assert.equal(status.available, false);
        assert.match(status.reason, /Dev sign-in is off/);
        const response = await post(`${server.url}/api/dev/token`, { name: 'Mallory', role: 'admin' });
        assert.equal(response.status, 403);
        const body = (await response.json()) as { success: boolean; code: string; error: string; token?: string };
        assert.equal(body.code, 'FORBIDDEN');
        assert.equal(body.error, status.reason);
        assert.equal(body.token, undefined);
      } finally {
        await server.close();
      }
    }
  });
});

describe('static site', () => {
  let root: string;
  let server: { url: string; close(): Promise<void> };
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-static-'));
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
    fs.writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(root, 'robots.txt'), 'User-agent: *');
    server = await serve((app) => {
      app.get('/api/known', (_req, res) => void res.json({ success: true }));
      app.use(staticSite({ root }));
    });
  });
  after(async () => {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('index.html and client routes are the app, revalidated on every load', async () => {
    for (const route of ['/', '/ops', '/rooms/abc/map', '/index.html']) {
      const response = await fetch(`${server.url}${route}`);
      assert.equal(response.status, 200, route);
      assert.equal(response.headers.get('cache-control'), REVALIDATE_CACHE, route);
      assert.match(await response.text(), /<title>app<\/title>/);
    }
    assert.equal((await fetch(`${server.url}/robots.txt`)).headers.get('cache-control'), REVALIDATE_CACHE);
  });

  test('hashed assets are immutable for a year; a missing one is a 404, not the app', async () => {
    const asset = await fetch(`${server.url}/assets/index-abc123.js`);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), IMMUTABLE_CACHE);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    const missing = await fetch(`${server.url}/assets/index-gone.js`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'NOT_FOUND');
  });

  test('server paths are never the app: unknown /api/ paths stay JSON 404s', async () => {
    assert.deepEqual(await (await fetch(`${server.url}/api/known`)).json(), { success: true });
    for (const route of ['/api/unknown', '/api', '/socket.io/x']) {
      const response = await fetch(`${server.url}${route}`);
      assert.equal(response.status, 404, route);
      assert.deepEqual(await response.json(), { success: false, code: 'NOT_FOUND', error: 'No such endpoint' });
    }
  });

  test('without a build, / says how to build it (503) instead of failing', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-static-empty-'));
    const bare = await serve((app) => app.use(staticSite({ root: empty })));
    try {
      const response = await fetch(`${bare.url}/`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /npm run build -w @switchboard\/web/);
    } finally {
      await bare.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
