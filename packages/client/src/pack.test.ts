// The SDK as people install it: `npm pack` of @switchboard/client and @switchboard/protocol (the
// contract it is typed by), `npm install` of both tarballs into a directory outside the workspace,
// then the README's connect example as plain Node ESM, a TypeScript consumer, and a browser bundle
// in Chromium — each against a real gateway + messaging service (MemoryBus, a fresh database).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { MemoryBus } from '@switchboard/bus';
import { REPO_ROOT } from '@switchboard/db';
import { createMemoryRateLimiter, ioBroadcaster, type RunningGateway, startGateway } from '@switchboard/gateway';
import type { RunningService } from '@switchboard/host';
import { service as messaging } from '@switchboard/messaging';
import { BaseConfigSchema, createMetrics, createTokenVerifier, signToken } from '@switchboard/runtime';
import { buildProjects, createTestDatabase, type TestDatabase, testLogger } from '@switchboard/testkit';
import { bundleForBrowser, findChromium, openInChromium } from './testing/browser.ts';
import { packAndInstall, type ScratchInstall } from './testing/scratch-install.ts';

const run = promisify(execFile);
const SECRET = 'sdk-pack-test-secret';
const EXAMPLE = path.join(REPO_ROOT, 'packages', 'client', 'examples', 'connect.mjs');
/** What a browser or app client must never pull in. */
const SERVER_SIDE = [
  'socket.io',
  'ioredis',
  '@prisma/client',
  'prisma',
  'express',
  'pino',
  'pg',
  'jsonwebtoken',
  'prom-client',
  '@socket.io/redis-adapter',
];

interface Outcome {
  serverId?: string;
  roomId?: string;
  seq?: number;
  content?: string;
  error?: string;
  userAgent?: string;
}

describe('@switchboard/client, packed and installed', () => {
  let scratch: ScratchInstall;
  let database: TestDatabase;
  let bus: MemoryBus;
  let httpServer: http.Server;
  let gateway: RunningGateway;
  let messagingService: RunningService;
  let url: string;
  let bundle = '';
  let browserResult: (outcome: Outcome) => void = () => {};

  before(async () => {
    buildProjects('packages/client'); // the client and protocol dist/ the tarballs ship
    scratch = await packAndInstall(['packages/protocol', 'packages/client']);

    database = await createTestDatabase('client_pack');
    const config = BaseConfigSchema.parse({ JWT_SECRET: SECRET, LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '0' });
    const verifier = createTokenVerifier({ secret: SECRET });
    bus = new MemoryBus({ timeoutMs: config.BUS_TIMEOUT_MS });
    // Socket.IO keeps /socket.io/ and hands every other request to this listener: the browser test's page.
    httpServer = http.createServer((req, res) => {
      if (req.url?.startsWith('/sdk/bundle.js'))
        return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      if (req.url?.startsWith('/sdk/result') && req.method === 'POST') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          res.writeHead(204).end();
          browserResult(JSON.parse(body) as Outcome);
        });
        return;
      }
      if (req.url?.startsWith('/sdk/'))
        return void res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><script type="module" src="/sdk/bundle.js"></script>');
      res.writeHead(404).end();
    });
    gateway = await startGateway({
      config,
      log: testLogger('gateway'),
      metrics: createMetrics('gateway'),
      bus,
      verifier,
      httpServer,
      gatewayId: 'gw-pack',
      rateLimiter: createMemoryRateLimiter(),
    });
    messagingService = await messaging.start({
      config,
      log: testLogger('messaging'),
      metrics: createMetrics('messaging'),
      bus,
      db: database.db,
      broadcaster: ioBroadcaster(gateway.io),
      verifier,
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });

  after(async () => {
    await gateway?.close();
    await messagingService?.close();
    await bus?.close();
    httpServer?.closeAllConnections();
    if (httpServer?.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await database?.drop();
    await scratch?.remove();
  });

  test('the tarballs hold ESM and declarations, no tests', () => {
    for (const { name, files } of scratch.packed) {
      for (const file of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts'])
        assert.ok(files.includes(file), `${name} ships ${file}`);
      assert.deepEqual(
        files.filter((f) => /\.test\.|testing\/|tsbuildinfo/.test(f)),
        [],
        `${name} ships no tests or build state`,
      );
    }
  });

  test('installs with socket.io-client and the protocol contract only: nothing server-side', async () => {
    const client = await scratch.manifest('@switchboard/client');
    assert.equal(client.type, 'module');
    assert.deepEqual(Object.keys(client.dependencies ?? {}).sort(), ['@switchboard/protocol', 'socket.io-client']);
    assert.deepEqual(Object.keys((await scratch.manifest('@switchboard/protocol')).dependencies ?? {}), ['zod']);
    const installed = await scratch.installed();
    assert.ok(installed.includes('socket.io-client') && installed.includes('zod'), installed.join(' '));
    assert.deepEqual(
      SERVER_SIDE.filter((name) => installed.includes(name)),
      [],
      'no server-side package is installed',
    );
  });

  test('the README example, as plain Node ESM, connects and gets its acks', async () => {
    await fs.copyFile(EXAMPLE, path.join(scratch.dir, 'connect.mjs'));
    const { stdout } = await run(process.execPath, ['connect.mjs'], {
      cwd: scratch.dir,
      env: {
        PATH: process.env.PATH,
        SWITCHBOARD_URL: url,
        SWITCHBOARD_TOKEN: signToken(SECRET, 'pack-user', { name: 'Pack User' }),
      },
      timeout: 60_000,
    });
    const outcome = JSON.parse(stdout.trim()) as Outcome;
    assert.equal(outcome.serverId, 'gw-pack');
    assert.equal(outcome.seq, 1);
    assert.equal(outcome.content, 'first message');
    const stored = await database.db.message.findFirst({ where: { roomId: outcome.roomId! } });
    assert.equal(stored?.content, 'first message', 'the message is in the database');
  });

  test('a TypeScript consumer gets the real types from the declarations', async () => {
    await fs.writeFile(
      path.join(scratch.dir, 'consumer.ts'),
      [
        "import { createClient, SwitchboardError, type SwitchboardClient } from '@switchboard/client';",
        "const client: SwitchboardClient = createClient({ url: 'http://localhost:1', token: 't', autoConnect: false });",
        "const room = await client.createRoom({ type: 'group', name: 'n' });",
        'const id: string = room.id;',
        '// @ts-expect-error: a room id is a string',
        'const wrong: number = room.id;',
        '// @ts-expect-error: no such request',
        "await client.request('room:nope', {});",
        'export { id, wrong, SwitchboardError };',
        '',
      ].join('\n'),
    );
    // skipLibCheck (checking zod's declarations takes ~15 s): the @ts-expect-error lines fail the
    // check if a declaration did not resolve and the types fell back to `any`.
    await fs.writeFile(
      path.join(scratch.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
          lib: ['ES2022', 'DOM'],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const failure = await run(process.execPath, [tsc, '-p', scratch.dir], { cwd: scratch.dir }).then(
      () => undefined,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    assert.equal(failure, undefined, 'the consumer typechecks');
  });

  test('bundles for browsers without Node built-ins and connects from Chromium', async (t) => {
    const built = await bundleForBrowser(scratch.dir);
    assert.deepEqual(
      built.inputs.filter(
        (f) => f.startsWith('node:') || SERVER_SIDE.some((name) => f.includes(`node_modules/${name}/`)),
      ),
      [],
    );
    assert.ok(
      built.inputs.some((f) => f.includes('node_modules/@switchboard/client/dist/')),
      'the bundle uses the installed dist',
    );
    bundle = built.code;
    const chromium = findChromium();
    if (!chromium)
      return t.skip('Chromium not installed (apt-get install -y chromium): the bundle was checked, not run');
    const outcome = new Promise<Outcome>((resolve) => (browserResult = resolve));
    const token = signToken(SECRET, 'browser-user', { name: 'Browser User' });
    const browser = openInChromium(chromium, `${url}/sdk/?token=${encodeURIComponent(token)}`);
    try {
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`no result from Chromium in 60 s:\n${browser.output().slice(-3000)}`)),
          60_000,
        ).unref(),
      );
      const result = await Promise.race([outcome, timeout]);
      assert.equal(result.error, undefined);
      assert.equal(result.serverId, 'gw-pack');
      assert.equal(result.seq, 1);
      assert.match(result.userAgent ?? '', /Chrome/);
    } finally {
      await browser.close();
    }
  });
});
