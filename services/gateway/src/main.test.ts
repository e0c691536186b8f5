import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once as onceEvent } from 'node:events';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { signToken } from '@switchboard/runtime';
import { flushPrefix, TEST_REDIS_URL, TSX_ARGS, testPrefix, testRedis, waitFor } from '@switchboard/testkit';
import { io as connectClient } from 'socket.io-client';
import { once, TEST_SECRET, type TestClient } from './test-harness.ts';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');

function startMain(env: Record<string, string>): {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
} {
  const child = spawn(process.execPath, [...TSX_ARGS, MAIN], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, lines, stderr: () => stderr };
}

describe('gateway process (cluster entry)', () => {
  const prefix = testPrefix('gateway-main');
  const redis = testRedis();
  let proc: ReturnType<typeof startMain>;
  let url: string;
  let client: TestClient;

  before(async () => {
    proc = startMain({
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      SERVICE_PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_SECRET,
      GATEWAY_ID: 'gw-main-test',
      BUS_TIMEOUT_MS: '300',
      SHUTDOWN_GRACE_MS: '100',
    });
    const listening = await waitFor(() => proc.lines.find((l) => l.msg === 'listening'), {
      timeoutMs: 60_000, // a tsx start-up on a machine shared by several engineers
      what: `the gateway to listen (${proc.stderr()})`,
    });
    url = `http://127.0.0.1:${String(listening.port)}`;
  });
  after(async () => {
    client?.disconnect();
    if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await flushPrefix(redis, prefix);
    await redis.quit();
  });

  test('serves health, readiness and metrics', async () => {
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200, JSON.stringify(await ready.clone().json()));
    assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, { redis: 'ok' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /switchboard_connections\{service="gateway"\}/);
  });

  test('accepts an authenticated client and names itself by GATEWAY_ID', async () => {
    client = connectClient(url, {
      auth: { token: signToken(TEST_SECRET, 'alice') },
      reconnection: false,
      forceNew: true,
    });
    const connected = await once(client, 'connected');
    assert.equal(connected.serverId, 'gw-main-test');
    assert.deepEqual(connected.rooms, [], 'no messaging service runs here');
  });

  test('SIGTERM announces server:shutdown, closes the client and exits 0', async () => {
    const shutdown = once(client, 'server:shutdown');
    const exited = onceEvent(proc.child, 'exit');
    proc.child.kill('SIGTERM');
    assert.equal((await shutdown).serverId, 'gw-main-test');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, proc.stderr());
    assert.ok(proc.lines.some((l) => l.msg === 'stopped'));
  });
});

describe('gateway process configuration', () => {
  test('refuses to start, listing every problem, without REDIS_URL and a JWT key (and never asks for Postgres)', async () => {
    const proc = startMain({ SERVICE_PORT: '0' });
    const [code] = (await onceEvent(proc.child, 'exit')) as [number | null];
    assert.equal(code, 1);
    assert.match(proc.stderr(), /refusing to start/);
    assert.match(proc.stderr(), /REDIS_URL/);
    assert.match(proc.stderr(), /JWT_SECRET/);
    assert.doesNotMatch(proc.stderr(), /DATABASE_URL/);
  });
});
