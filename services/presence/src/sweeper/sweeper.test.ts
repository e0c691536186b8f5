import assert from 'node:assert/strict';
import { after, describe, mock, test } from 'node:test';
import type { Presence } from '@switchboard/protocol';
import { flushPrefix, testLogger, testPrefix, testRedis } from '@switchboard/testkit';
import { MemoryPresenceStore } from '../store/memory-store.ts';
import type { PresenceStore } from '../store/presence-store.ts';
import { RedisPresenceStore } from '../store/redis-store.ts';
import { startSweeper } from './sweeper.ts';
import { presenceTiming } from './timing.ts';

const redis = testRedis();
const prefix = testPrefix('presence-sweeper');
after(async () => {
  await flushPrefix(redis, prefix);
  await redis.quit();
});

const T0 = 1_700_000_000_000;
const timing = presenceTiming({ PRESENCE_OFFLINE_AFTER_MS: 1000, PRESENCE_AWAY_AFTER_MS: 3_600_000 });
// More idle gateways than the sweeper's batches cover in the old ten rounds, expiring first.
const IDLE_GATEWAYS = 1050;
const USERS = 30;

const engines: { name: string; make: () => PresenceStore }[] = [
  { name: 'memory', make: () => new MemoryPresenceStore() },
  { name: 'redis', make: () => new RedisPresenceStore(redis, prefix) },
];

for (const engine of engines) {
  describe(`presence sweeper (${engine.name} store)`, () => {
    test('with many expired gateways, one sweep takes every user offline', async () => {
      const store = engine.make();
      // Idle gateways (no sockets) expire first: batches that reap them change nothing visible.
      for (let i = 0; i < IDLE_GATEWAYS; i++) {
        await store.heartbeat({ gatewayId: `idle${i}`, sockets: [], gatewayExpiresAt: T0 + 1, graceMs: 0, now: T0 });
      }
      for (let i = 0; i < USERS; i++) {
        await store.open({
          userId: `u${i}`,
          socketId: `s${i}`,
          gatewayId: `gw${i}`,
          gatewayExpiresAt: T0 + 2,
          now: T0,
        });
      }
      const published: Presence[] = [];
      mock.timers.enable({ apis: ['setInterval'] });
      try {
        const stop = startSweeper({
          store,
          publish: async (changes) => {
            published.push(...changes);
          },
          timing,
          log: testLogger(),
          now: () => T0 + 10,
        });
        mock.timers.tick(timing.sweepIntervalMs);
        await stop(); // waits for the one sweep the tick started
      } finally {
        mock.timers.reset();
      }
      const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
      assert.deepEqual(
        (await store.get(users)).filter((p) => p.status !== 'offline'),
        [],
      );
      assert.deepEqual(published.map((p) => p.userId).sort(), [...users].sort(), 'each published offline once');
    });
  });
}
