import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { createLogger, createRedis, type Redis } from '@switchboard/runtime';
import { waitFor } from '@switchboard/testkit';
import { testContext } from './bus.contract.ts';
import { RedisBus } from './redis-bus.ts';

// A Redis of this file's own (the shared one must never go down under other suites): killed and
// restarted empty, as after a crash without persistence.

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

let server: ChildProcess | undefined;
async function startRedis(port: number): Promise<void> {
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes('Ready to accept connections'), { what: 'redis-server ready' });
}
async function killRedis(): Promise<void> {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  server.kill('SIGKILL');
  await once(server, 'exit');
}

const lines: Array<{ msg: string }> = [];
const log = createLogger({
  service: 'outage',
  level: 'info',
  destination: new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  }),
});
const connections: Redis[] = [];
let bus: RedisBus | undefined;

after(async () => {
  await bus?.close();
  connections.forEach((c) => c.disconnect());
  await killRedis();
});

test('after Redis crashes and restarts empty, the bus logs once and answers again', async () => {
  const port = await freePort();
  await startRedis(port);
  const url = `redis://127.0.0.1:${port}`;
  const redis = createRedis(url, log, 'bus');
  const subscriber = createRedis(url, log, 'bus-sub');
  connections.push(redis, subscriber);
  bus = new RedisBus({ redis, subscriber, prefix: 'outage:', consumer: 'outage-1', log, claimIdleMs: 60_000 });
  await bus.handle('svc', { 'ping:it': async (payload) => payload });
  assert.deepEqual(await bus.request('svc', 'ping:it', { n: 1 }, testContext()), { n: 1 });

  await killRedis();
  await assert.rejects(bus.request('svc', 'ping:it', { n: 2 }, testContext(), { timeoutMs: 300 }), {
    code: 'UNAVAILABLE',
  });

  await startRedis(port);
  // The stream and its group are gone with the old Redis: the consumer recreates them and goes on.
  await waitFor(
    () =>
      bus!.request('svc', 'ping:it', { n: 3 }, testContext(), { timeoutMs: 500 }).then(
        () => true,
        () => false,
      ),
    { timeoutMs: 15_000, what: 'bus answering again' },
  );
  assert.deepEqual(await bus.request('svc', 'ping:it', { n: 4 }, testContext()), { n: 4 });

  if (process.env.TEST_LOG) console.error(lines.map((l) => JSON.stringify(l)).join('\n'));
  const readFailures = lines.filter((l) => l.msg === 'bus read failed').length;
  assert.ok(readFailures <= 1, `read failure logged ${readFailures} times`);
  assert.equal(lines.filter((l) => l.msg === 'redis connection error').length, 2, 'each connection logs its loss once');
});
