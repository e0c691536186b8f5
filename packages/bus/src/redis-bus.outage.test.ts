import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { createLogger, createRedis, type Redis } from '@switchboard/runtime';
import { freePort, type PrivateRedis, privateRedis, waitFor } from '@switchboard/testkit';
import { ANY_COMMANDS, type AnyCommands, testContext } from './bus.contract.ts';
import { RedisBus } from './redis-bus.ts';

// A Redis of this file's own (the shared one must never go down under other suites): killed and
// restarted empty, as after a crash without persistence.

let redisServer: PrivateRedis | undefined;
const killRedis = async () => redisServer?.kill();

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
let bus: RedisBus<AnyCommands> | undefined;

after(async () => {
  await bus?.close();
  for (const c of connections) c.disconnect();
  await killRedis();
});

test('after Redis crashes and restarts empty (and after a SCRIPT FLUSH), the bus logs once and answers again', async () => {
  redisServer = privateRedis(await freePort());
  await redisServer.start();
  const url = redisServer.url;
  const redis = createRedis(url, log, 'bus');
  const subscriber = createRedis(url, log, 'bus-sub');
  connections.push(redis, subscriber);
  bus = new RedisBus({
    commands: ANY_COMMANDS,
    redis,
    subscriber,
    prefix: 'outage:',
    consumer: 'outage-1',
    log,
    claimIdleMs: 60_000,
  });
  await bus.handle('svc', { 'ping:it': async (payload) => payload });
  assert.deepEqual(await bus.request('svc', 'ping:it', { n: 1 }, testContext()), { n: 1 });

  await killRedis();
  await assert.rejects(bus.request('svc', 'ping:it', { n: 2 }, testContext(), { timeoutMs: 300 }), {
    code: 'UNAVAILABLE',
  });

  await redisServer.start();
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

  // Scripts go by SHA: an empty script cache (the restart above, then a SCRIPT FLUSH) costs a
  // NOSCRIPT and a resend with the text — never a failed request, never a hit counted twice.
  const guard = { key: 'outage:guard', limit: 10, windowMs: 10_000 };
  assert.deepEqual(await bus.request('svc', 'ping:it', { n: 5 }, testContext(), { guard }), { n: 5 });
  await redis.script('FLUSH');
  assert.deepEqual(await bus.request('svc', 'ping:it', { n: 6 }, testContext(), { guard }), { n: 6 });
  assert.equal(await redis.get(guard.key), '2');

  // On this Redis of our own the server's counts are ours: the scripts now go by SHA.
  await redis.config('RESETSTAT');
  for (let n = 7; n < 12; n++) await bus.request('svc', 'ping:it', { n }, testContext(), { guard });
  const stats = await redis.info('commandstats');
  const evalsha = Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0);
  assert.ok(evalsha >= 10, `the guarded add and the done key by SHA: ${evalsha} EVALSHA for 5 requests`);

  if (process.env.TEST_LOG) console.error(lines.map((l) => JSON.stringify(l)).join('\n'));
  const readFailures = lines.filter((l) => l.msg === 'bus read failed').length;
  assert.ok(readFailures <= 1, `read failure logged ${readFailures} times`);
  assert.equal(lines.filter((l) => l.msg === 'redis connection error').length, 2, 'each connection logs its loss once');
});
