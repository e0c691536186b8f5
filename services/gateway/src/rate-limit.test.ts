import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { flushPrefix, testPrefix, testRedis } from '@switchboard/testkit';
import { createMemoryRateLimiter, RATE_WINDOW_MS, type RateLimiter } from './rate-limit.ts';
import { createRedisRateLimiter } from './rate-limit-redis.ts';
import { RATE_LIMITED_MESSAGE } from './requests.ts';
import { once, request, startTestGateway, type TestGateway } from './test-harness.ts';

/** One behaviour suite, run against both engines. */
function limiterSuite(name: string, make: (now: () => number) => RateLimiter) {
  describe(`${name} rate limiter`, () => {
    let clock = 1_000_000 * RATE_WINDOW_MS;
    const limiter = () => make(() => clock);

    test('allows up to the limit in a window, then refuses', async () => {
      const l = limiter();
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await l.hit('u1:write', 3));
      assert.deepEqual(results, [true, true, true, false]);
    });

    test('keys are counted separately', async () => {
      const l = limiter();
      for (let i = 0; i < 3; i++) await l.hit('u2:write', 3);
      assert.equal(await l.hit('u2:write', 3), false);
      assert.equal(await l.hit('u2:read', 3), true);
      assert.equal(await l.hit('u3:write', 3), true);
    });

    test('a new window restores the budget', async () => {
      const l = limiter();
      for (let i = 0; i < 3; i++) await l.hit('u4:write', 3);
      assert.equal(await l.hit('u4:write', 3), false);
      clock += RATE_WINDOW_MS;
      assert.equal(await l.hit('u4:write', 3), true);
    });
  });
}

limiterSuite('memory', (now) => createMemoryRateLimiter(now));

const redis = testRedis();
const prefix = testPrefix('gateway-ratelimit');
after(async () => {
  await flushPrefix(redis, prefix);
  await redis.quit();
});
limiterSuite('redis', (now) => createRedisRateLimiter(redis, prefix, now));

describe('redis rate limiter keys', () => {
  test('live under the prefix and expire with their window', async () => {
    const limiter = createRedisRateLimiter(redis, prefix);
    await limiter.hit('expiry:write', 10);
    const keys = await redis.keys(`${prefix}ratelimit:expiry:write:*`);
    assert.equal(keys.length, 1);
    const ttl = await redis.pttl(keys[0]!);
    assert.ok(ttl > 0 && ttl <= RATE_WINDOW_MS, `ttl ${ttl}`);
  });

  test('two limiters on one prefix share the budget (two gateways)', async () => {
    const a = createRedisRateLimiter(redis, prefix);
    const b = createRedisRateLimiter(redis, prefix);
    assert.equal(await a.hit('shared:write', 2), true);
    assert.equal(await b.hit('shared:write', 2), true);
    assert.equal(await a.hit('shared:write', 2), false);
  });
});

describe('rate limits at the gateway', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({
      env: { RATE_LIMIT_WRITE: '3', RATE_LIMIT_READ: '50' },
      handlers: {
        messaging: {
          'session:open': async () => ({ rooms: [] }),
          'message:send': async () => ({ message: { id: 'm' } }),
          'message:history': async () => ({ messages: [], hasMore: false }),
        },
      },
    });
  });
  after(() => gw.close());

  test('a user past the write limit gets RATE_LIMITED; reads and other users are unaffected', async () => {
    const alice = gw.client(gw.token('alice'));
    const bob = gw.client(gw.token('bob'));
    await Promise.all([once(alice, 'connected'), once(bob, 'connected')]);
    for (let i = 0; i < 3; i++)
      assert.equal((await request(alice, 'message:send', { roomId: 'r', content: `m${i}` })).success, true);
    assert.deepEqual(await request(alice, 'message:send', { roomId: 'r', content: 'one too many' }), {
      success: false,
      code: 'RATE_LIMITED',
      error: RATE_LIMITED_MESSAGE,
    });
    assert.equal((await request(alice, 'message:history', { roomId: 'r' })).success, true);
    assert.equal((await request(bob, 'message:send', { roomId: 'r', content: 'hi' })).success, true);
  });

  test('a second device of the same user shares the budget', async () => {
    const phone = gw.client(gw.token('carol'));
    const laptop = gw.client(gw.token('carol'));
    await Promise.all([once(phone, 'connected'), once(laptop, 'connected')]);
    for (let i = 0; i < 3; i++) await request(phone, 'message:send', { roomId: 'r', content: `m${i}` });
    assert.equal((await request(laptop, 'message:send', { roomId: 'r', content: 'x' })).code, 'RATE_LIMITED');
  });
});
