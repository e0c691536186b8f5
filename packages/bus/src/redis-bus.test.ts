import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  flushPrefix,
  recordCommands,
  TEST_REDIS_URL,
  TSX_ARGS,
  testPrefix,
  testRedis,
  waitFor,
} from '@switchboard/testkit';
import { Redis } from 'ioredis';
import { busContract, testContext } from './bus.contract.ts';
import { busKeys } from './redis-keys.ts';
import { ensureGroup, pruneIdleConsumers, readGroup } from './stream-commands.ts';
import { testBuses } from './testing/test-buses.ts';

const prefix = testPrefix('redis-bus');
const keys = busKeys(prefix);
const children: ChildProcess[] = [];
const buses = testBuses(prefix, {
  timeoutMs: 10_000, // generous: the contract runs 200 requests at once on a shared machine
  claimIdleMs: 300,
  leaseMs: 600,
});
const { admin } = buses;
const makeBus = buses.make;

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await buses.closeAll();
});

busContract('RedisBus', () => makeBus());

/** Start the stuck-consumer fixture and resolve once it has printed `line`. */
function startStuckConsumer(service: string): { child: ChildProcess; saw: (line: string) => Promise<void> } {
  const fixture = fileURLToPath(new URL('./test-fixtures/stuck-consumer.ts', import.meta.url));
  const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
  const child = spawn(process.execPath, [...TSX_ARGS, fixture, prefix, service, '500'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const saw = (line: string) =>
    waitFor(() => output.split('\n').includes(line), { timeoutMs: 15_000, what: `fixture to print ${line}` }).then(
      () => undefined,
    );
  return { child, saw };
}

describe('RedisBus delivery', () => {
  test('a command held by a consumer killed mid-work is reclaimed by another and its requester answered', async () => {
    const service = 'reclaim';
    const requester = makeBus();
    const { child, saw } = startStuckConsumer(service);
    await saw('ready');
    const answer = requester.request(service, 'work:it', { job: 7 }, testContext(), { timeoutMs: 20_000 });
    await saw('holding');
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.equal(await requester.depth(service), 1, 'the killed consumer still holds the entry');

    const rescuer = makeBus({ claimIdleMs: 300 });
    await rescuer.handle(service, { 'work:it': async (payload) => ({ doneBy: 'rescuer', payload }) });
    assert.deepEqual(await answer, { doneBy: 'rescuer', payload: { job: 7 } });
    await waitFor(async () => (await rescuer.depth(service)) === 0, { what: 'entry acked' });
  });

  test('a command delivered again after it was processed is answered again without running twice', async () => {
    const service = 'dedupe';
    const bus = makeBus({ claimIdleMs: 200 });
    let runs = 0;
    await bus.handle(service, { 'count:it': async () => ({ run: ++runs }) });

    const listener = testRedis();
    buses.track(listener);
    const channel = keys.replyChannel('test-listener');
    const replies: unknown[] = [];
    listener.on('message', (_channel: string, message: string) => replies.push(JSON.parse(message)));
    await listener.subscribe(channel);

    // The same command (same id) twice in the stream, as a redelivery would present it; the second
    // arrives while the first may still be running, the case a stalled consumer's reclaim creates.
    const fields = [
      'id',
      'cmd-dup-1',
      'command',
      'count:it',
      'payload',
      '{}',
      'ctx',
      JSON.stringify(testContext()),
      'deadline',
      String(Date.now() + 5000),
      'replyTo',
      channel,
    ];
    await admin.xadd(keys.stream(service, 0), '*', ...fields);
    await admin.xadd(keys.stream(service, 0), '*', ...fields);

    await waitFor(() => replies.length === 2, { what: 'two replies' });
    assert.equal(runs, 1);
    assert.deepEqual(replies, [
      { id: 'cmd-dup-1', reply: { ok: true, result: { run: 1 } } },
      { id: 'cmd-dup-1', reply: { ok: true, result: { run: 1 } } },
    ]);
    await waitFor(async () => (await bus.depth(service)) === 0, { what: 'both entries acked' });
  });

  test('no more handlers run at once than the concurrency bound, and the rest still run', async () => {
    const service = 'bounded';
    const bus = makeBus({ concurrency: 3 });
    let running = 0;
    let peak = 0;
    await bus.handle(service, {
      'work:it': async (payload) => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 10));
        running -= 1;
        return payload;
      },
    });
    const ns = Array.from({ length: 30 }, (_, n) => n);
    assert.deepEqual(
      await Promise.all(ns.map((n) => bus.request(service, 'work:it', { n }, testContext()))),
      ns.map((n) => ({ n })),
    );
    assert.ok(peak >= 2 && peak <= 3, `peak ${peak} handlers at once`);
  });

  test('a malformed stream entry is acked and skipped, and the consumer keeps going', async () => {
    const service = 'malformed';
    const bus = makeBus();
    await bus.handle(service, { 'ping:it': async () => 'pong' });
    await admin.xadd(keys.stream(service, 0), '*', 'garbage', 'yes');
    await admin.xadd(
      keys.stream(service, 0),
      '*',
      'id',
      'x',
      'command',
      'ping:it',
      'payload',
      '{not json',
      'ctx',
      '{}',
      'deadline',
      '0',
    );
    assert.equal(await bus.request(service, 'ping:it', {}, testContext()), 'pong');
    await waitFor(async () => (await bus.depth(service)) === 0, { what: 'malformed entries acked' });
  });

  test('the bus keeps answering after Redis drops all of its connections', async () => {
    const service = 'dropped';
    const tag = `sbtest-drop-${process.pid}`;
    const named = (role: string) => {
      return buses.track(new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null, connectionName: `${tag}-${role}` }));
    };
    // Reclaim is pushed out of reach, so only a recovered read loop can deliver the later commands.
    const bus = makeBus({ redis: named('main'), subscriber: named('sub'), consumer: tag, claimIdleMs: 60_000 });
    await bus.handle(service, { 'ping:it': async (payload) => payload });
    assert.deepEqual(await bus.request(service, 'ping:it', { n: 1 }, testContext()), { n: 1 });

    const clients = (await admin.call('CLIENT', 'LIST')) as string;
    const ids = clients
      .split('\n')
      .filter((line) => line.includes(`name=${tag}`))
      .map((line) => /id=(\d+)/.exec(line)![1]!);
    assert.equal(ids.length, 3, 'main, subscriber and blocking reader connections');
    for (const id of ids) await admin.call('CLIENT', 'KILL', 'ID', id);

    await waitFor(
      () =>
        bus.request(service, 'ping:it', { n: 2 }, testContext(), { timeoutMs: 500 }).then(
          (r) => r !== undefined,
          () => false,
        ),
      { timeoutMs: 10_000, what: 'bus answering again' },
    );
    await bus.send(service, 'ping:it', { n: 3 }, testContext());
    await waitFor(async () => (await bus.depth(service)) === 0, { what: 'queue drained after reconnect' });
  });

  test('idle consumers are pruned only when they hold no entries', async () => {
    const stream = keys.stream('prune', 0);
    await ensureGroup(admin, stream, 'prune');
    await admin.xadd(stream, '*', 'garbage', 'yes');
    await admin.xadd(stream, '*', 'garbage', 'yes');
    assert.equal((await readGroup(admin, stream, 'prune', 'holder', 1, '>', 10)).length, 1);
    const [done] = await readGroup(admin, stream, 'prune', 'finished', 1, '>', 10);
    await admin.xack(stream, 'prune', done!.streamId);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await pruneIdleConsumers(admin, stream, 'prune', 30), 1);
    const left = (await admin.call('XINFO', 'CONSUMERS', stream, 'prune')) as unknown[][];
    assert.deepEqual(
      left.map((c) => c[1]),
      ['holder'],
    );
  });

  test('two prefixes on the same Redis never hear each other', async () => {
    const service = 'isolated';
    const otherPrefix = testPrefix('redis-bus-other');
    const mine = makeBus({ consumer: 'same-name' });
    const theirs = makeBus({ prefix: otherPrefix, consumer: 'same-name' });
    await mine.handle(service, { 'who:it': async () => 'mine' });
    await theirs.handle(service, { 'who:it': async () => 'theirs' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? theirs : mine).request(service, 'who:it', {}, testContext())),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 20 }, (_, i) => (i % 2 ? 'theirs' : 'mine')),
    );

    const silentPrefix = testPrefix('redis-bus-silent');
    const silent = makeBus({ prefix: silentPrefix });
    await assert.rejects(silent.request(service, 'who:it', {}, testContext(), { timeoutMs: 300 }), {
      code: 'UNAVAILABLE',
    });
    await Promise.all([theirs.close(), silent.close()]);
    await flushPrefix(admin, otherPrefix);
    await flushPrefix(admin, silentPrefix);
  });
});

describe('RedisBus count guard', () => {
  /** Entries in all of a service's partitions. */
  const streamLength = async (service: string) => {
    const lengths = await Promise.all(Array.from({ length: 8 }, (_, p) => admin.xlen(keys.stream(service, p))));
    return lengths.reduce((a, b) => a + b, 0);
  };

  test('two buses sharing a counter add exactly its limit between them, and nothing past it', async () => {
    const service = 'guarded-shared';
    const [one, two] = [makeBus(), makeBus()];
    const guard = { key: `${prefix}guard:shared`, limit: 7, windowMs: 10_000 };
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        (n % 2 ? two : one).send(service, 'note:it', { n }, testContext(`s-${n}`), { guard }).then(
          () => 'added',
          (error: { code?: string }) => error.code,
        ),
      ),
    );
    assert.equal(outcomes.filter((o) => o === 'added').length, 7);
    assert.equal(outcomes.filter((o) => o === 'RATE_LIMITED').length, 13);
    assert.equal(await streamLength(service), 7, 'a refused command is not in any stream');
    assert.equal(await admin.get(guard.key), '20', 'every hit is counted, refused ones too');
    const ttl = await admin.pttl(guard.key);
    assert.ok(ttl > 0 && ttl <= guard.windowMs, `the counter expires with its window (pttl ${ttl})`);
  });

  test('a guarded request is two script calls: one counts and adds it, one takes its done key', async () => {
    const service = 'guarded-sha';
    const connection = buses.track(testRedis());
    const bus = makeBus({ redis: connection });
    await bus.handle(service, { 'ping:it': async () => 'pong' });
    const guard = { key: `${prefix}guard:sha`, limit: 100, windowMs: 10_000 };
    // A connection's first calls of a script, in the tick that defines it, are EVALs (runtime's redisScript).
    assert.equal(await bus.request(service, 'ping:it', {}, testContext(), { guard }), 'pong');
    await new Promise((resolve) => setImmediate(resolve));
    const seen = recordCommands(connection, prefix);
    assert.equal(await bus.request(service, 'ping:it', {}, testContext(), { guard }), 'pong');
    const sent = seen.map((name) => name.toLowerCase());
    assert.deepEqual(
      sent.filter((name) => name.startsWith('eval')),
      ['evalsha', 'evalsha'],
      `commands: ${sent.join(', ')}`,
    );
    assert.ok(!sent.includes('xadd'), 'the add is inside the guard script');
  });
});
