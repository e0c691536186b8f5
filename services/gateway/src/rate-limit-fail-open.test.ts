import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { flushPrefix, testLogger, testPrefix, testRedis } from '@switchboard/testkit';
import { Redis } from 'ioredis';
import { failOpen } from './rate-limit-fail-open.ts';
import { createRedisRateLimiter } from './rate-limit-redis.ts';

const prefix = testPrefix('fail-open');
const redis = testRedis();
let unreachable: Redis | undefined;

after(async () => {
  unreachable?.disconnect();
  await flushPrefix(redis, prefix);
  redis.disconnect();
});

/** A port nothing listens on: ioredis queues every command there until it connects (never). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('with Redis reachable, the limit still refuses past its budget', async () => {
  // A generous timeout: this test is about Redis answering, and a loaded machine (CI) can take
  // longer than the default 250 ms, which would let the third hit through by failing open.
  const limiter = failOpen(createRedisRateLimiter(redis, prefix), testLogger('fail-open'), 10_000);
  const results = [];
  for (let i = 0; i < 3; i++) results.push(await limiter.hit('u1:write', 2));
  assert.deepEqual(results, [true, true, false]);
});

test('with Redis unreachable, a hit is allowed after the timeout instead of waiting for Redis', async () => {
  unreachable = new Redis(`redis://127.0.0.1:${await closedPort()}`, {
    maxRetriesPerRequest: null, // as the cluster's connections: commands wait for the reconnect
    retryStrategy: () => 200,
  });
  unreachable.on('error', () => undefined);
  const limiter = failOpen(createRedisRateLimiter(unreachable, prefix), testLogger('fail-open'), 100);
  assert.equal(await limiter.hit('u2:write', 0), true, 'a limit of 0 would refuse: the hit was let through');
  assert.equal(await limiter.hit('u2:write', 0), true);
});
