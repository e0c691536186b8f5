import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { redisScript } from './redis-script.ts';

const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: null,
  enableAutoPipelining: true,
});
const prefix = `sbtest:redis-script:${crypto.randomBytes(4).toString('hex')}:`;
after(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

// Appends its argument to a list and answers the list's length: the order of calls is visible.
const append = () => redisScript(`return redis.call('RPUSH', KEYS[1], ARGV[1])`);

test("a script's first calls share a tick's auto pipeline with other commands, in order", async () => {
  const script = append();
  const key = `${prefix}first-tick`;
  // The plain command creates this tick's pipeline before the script's command exists.
  const calls = [
    redis.rpush(key, 'plain 1'),
    script.run(redis, [key], ['script 1']),
    script.run(redis, [key], ['script 2']),
    redis.rpush(key, 'plain 2'),
  ];
  assert.deepEqual(await Promise.all(calls), [1, 2, 3, 4]);
  await nextTurn();
  // Later ticks: its own command (EVALSHA) in new pipelines.
  assert.deepEqual(await Promise.all([script.run(redis, [key], ['script 3']), redis.rpush(key, 'plain 3')]), [5, 6]);
  assert.deepEqual(await redis.lrange(key, 0, -1), [
    'plain 1',
    'script 1',
    'script 2',
    'plain 2',
    'script 3',
    'plain 3',
  ]);
});
