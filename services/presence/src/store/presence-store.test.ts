// One contract, two engines: every case runs against the memory store and the Redis store.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { flushPrefix, testPrefix, testRedis } from '@switchboard/testkit';
import { MemoryPresenceStore } from './memory-store.ts';
import type { PresenceChange, PresenceStore } from './presence-store.ts';
import { RedisPresenceStore } from './redis-store.ts';

interface Engine {
  name: string;
  /** A fresh, empty store. */
  make(): PresenceStore;
  /** Lose every piece of state of the store made last (a Redis restart). */
  wipe(): Promise<PresenceStore>;
}

const redis = testRedis();
const prefixes: string[] = [];
after(async () => {
  for (const prefix of prefixes) await flushPrefix(redis, prefix);
  await redis.quit();
});

const engines: Engine[] = [
  { name: 'memory', make: () => new MemoryPresenceStore(), wipe: async () => new MemoryPresenceStore() },
  (() => {
    let prefix = '';
    return {
      name: 'redis',
      make: () => {
        prefix = testPrefix('presence-store');
        prefixes.push(prefix);
        return new RedisPresenceStore(redis, prefix);
      },
      wipe: async () => {
        await flushPrefix(redis, prefix);
        return new RedisPresenceStore(redis, prefix);
      },
    };
  })(),
];

const T0 = 1_700_000_000_000;
const open = (store: PresenceStore, userId: string, socketId: string, gatewayId = 'gw1', now = T0) =>
  store.open({ userId, socketId, gatewayId, gatewayExpiresAt: now + 1000, now });
/** Long enough to outlast any test; the Redis store's TTL runs on the real clock. */
const TOMBSTONE_MS = 60_000;
const close = (store: PresenceStore, socketId: string, now: number) =>
  store.close({ socketId, now, tombstoneMs: TOMBSTONE_MS });

for (const engine of engines) {
  describe(`${engine.name} presence store`, () => {
    test('a user with two devices goes online once and offline only when the last leaves', async () => {
      const store = engine.make();
      assert.deepEqual(
        (await open(store, 'u1', 's1')).map((p) => p.status),
        ['online'],
      );
      assert.deepEqual(await open(store, 'u1', 's2', 'gw2'), []);
      assert.deepEqual(await close(store, 's1', T0 + 1), []);
      assert.equal((await store.get(['u1']))[0]?.status, 'online');
      const last = await close(store, 's2', T0 + 2);
      assert.deepEqual(last, [
        { userId: 'u1', status: 'offline', lastSeen: new Date(T0 + 2).toISOString(), previousStatus: 'online' },
      ]);
      assert.deepEqual(await close(store, 's2', T0 + 3), [], 'a repeated close changes nothing');
    });

    test('each change carries the status before it, so offline<->online tells from away/busy', async () => {
      const store = engine.make();
      const transitions = (changes: PresenceChange[]) => changes.map((c) => [c.previousStatus, c.status]);
      assert.deepEqual(transitions(await open(store, 'u1', 's1')), [['offline', 'online']]);
      assert.deepEqual(transitions(await store.setStatus('u1', 'busy', undefined, T0)), [['online', 'busy']]);
      assert.deepEqual(transitions(await close(store, 's1', T0 + 1)), [['busy', 'offline']]);
      assert.deepEqual(transitions(await open(store, 'u1', 's2', 'gw1', T0 + 2)), [['offline', 'busy']]);
      assert.deepEqual(transitions(await store.setStatus('u1', 'online', undefined, T0 + 3)), [['busy', 'online']]);
      assert.deepEqual(transitions(await store.markIdle(T0 + 10, T0 + 20)), [['online', 'away']]);
      assert.deepEqual(transitions(await store.activity('u1', T0 + 30)), [['away', 'online']]);
    });

    test('an unknown user is offline with the epoch as lastSeen', async () => {
      const store = engine.make();
      assert.deepEqual(await store.get(['nobody']), [
        { userId: 'nobody', status: 'offline', lastSeen: new Date(0).toISOString() },
      ]);
    });

    test('a manual status and custom status persist across devices', async () => {
      const store = engine.make();
      await open(store, 'u1', 's1');
      const changed = await store.setStatus('u1', 'busy', 'In a meeting', T0);
      assert.deepEqual(
        changed.map((p) => [p.status, p.customStatus]),
        [['busy', 'In a meeting']],
      );
      assert.deepEqual(await open(store, 'u1', 's2'), []);
      assert.deepEqual(await store.setStatus('u1', 'busy', undefined, T0), [], 'same status, custom kept: no change');
      assert.equal((await store.get(['u1']))[0]?.customStatus, 'In a meeting');
      assert.deepEqual(
        (await store.setStatus('u1', 'online', '', T0)).map((p) => [p.status, p.customStatus]),
        [['online', undefined]],
      );
    });

    test('an idle user becomes away and activity clears it', async () => {
      const store = engine.make();
      await open(store, 'u1', 's1', 'gw1', T0);
      await open(store, 'u2', 's2', 'gw1', T0 + 500);
      const idle = await store.markIdle(T0 + 100, T0 + 600);
      assert.deepEqual(
        idle.map((p) => [p.userId, p.status]),
        [['u1', 'away']],
      );
      assert.deepEqual(await store.markIdle(T0 + 100, T0 + 700), [], 'away is set once');
      assert.deepEqual(
        (await store.activity('u1', T0 + 800)).map((p) => p.status),
        ['online'],
      );
      assert.deepEqual(await store.activity('u1', T0 + 900), []);
      assert.deepEqual(await store.activity('ghost', T0 + 900), [], 'activity of an offline user changes nothing');
    });

    test('automatic away does not override a manual busy', async () => {
      const store = engine.make();
      await open(store, 'u1', 's1');
      await store.setStatus('u1', 'busy', undefined, T0);
      assert.deepEqual(await store.markIdle(T0 + 10, T0 + 20), []);
      assert.equal((await store.get(['u1']))[0]?.status, 'busy');
    });

    test('a heartbeat drops the sockets its gateway no longer lists', async () => {
      const store = engine.make();
      await open(store, 'u1', 's1');
      await open(store, 'u2', 's2');
      const changed = await store.heartbeat({
        gatewayId: 'gw1',
        sockets: [{ socketId: 's1', userId: 'u1' }],
        gatewayExpiresAt: T0 + 5000,
        graceMs: 100,
        now: T0 + 1000,
      });
      assert.deepEqual(
        changed.changes.map((p) => [p.userId, p.status]),
        [['u2', 'offline']],
      );
      assert.deepEqual(changed.sockets, [{ socketId: 's2', gatewayId: 'gw1' }], 'the dropped socket is reported');
    });

    test('a heartbeat keeps a socket opened after it was built (grace)', async () => {
      const store = engine.make();
      await open(store, 'u1', 's1', 'gw1', T0 + 950);
      const changed = await store.heartbeat({
        gatewayId: 'gw1',
        sockets: [],
        gatewayExpiresAt: T0 + 5000,
        graceMs: 100,
        now: T0 + 1000,
      });
      assert.deepEqual(changed, { sockets: [], changes: [] });
    });

    test('a gateway that stops heartbeating has its users reaped once', async () => {
      const store = engine.make();
      await open(store, 'u1', 's1', 'gw-dead');
      await open(store, 'u2', 's2', 'gw-dead');
      await open(store, 'u2', 's3', 'gw-alive');
      await store.heartbeat({
        gatewayId: 'gw-alive',
        sockets: [{ socketId: 's3', userId: 'u2' }],
        gatewayExpiresAt: T0 + 10_000,
        graceMs: 0,
        now: T0,
      });
      assert.deepEqual(
        await store.reapGateways(T0 + 500),
        { gateways: 0, sockets: [], changes: [] },
        'not expired yet',
      );
      const reaped = await store.reapGateways(T0 + 1000);
      assert.equal(reaped.gateways, 1);
      assert.deepEqual(
        reaped.changes.map((p) => [p.userId, p.status]),
        [['u1', 'offline']],
        'u2 still has a device on a live gateway',
      );
      assert.deepEqual(
        reaped.sockets.sort((a, b) => a.socketId.localeCompare(b.socketId)),
        [
          { socketId: 's1', gatewayId: 'gw-dead' },
          { socketId: 's2', gatewayId: 'gw-dead' },
        ],
        'every socket of the dead gateway is reported, also those of users still online',
      );
      assert.deepEqual(await store.reapGateways(T0 + 2000), { gateways: 0, sockets: [], changes: [] });
    });

    test('after losing all state, the next heartbeat brings users back online', async () => {
      let store = engine.make();
      await open(store, 'u1', 's1');
      await open(store, 'u2', 's2');
      store = await engine.wipe();
      assert.equal((await store.get(['u1']))[0]?.status, 'offline');
      const back = await store.heartbeat({
        gatewayId: 'gw1',
        sockets: [
          { socketId: 's1', userId: 'u1' },
          { socketId: 's2', userId: 'u2' },
        ],
        gatewayExpiresAt: T0 + 5000,
        graceMs: 100,
        now: T0 + 1000,
      });
      assert.deepEqual(back.changes.map((p) => [p.userId, p.status]).sort(), [
        ['u1', 'online'],
        ['u2', 'online'],
      ]);
      assert.deepEqual(
        (await store.reapGateways(T0 + 6000)).changes.map((p) => p.status),
        ['offline', 'offline'],
        'and are reaped if it dies',
      );
    });

    test("subscriptions are listed per user and end with the subscriber's last device", async () => {
      const store = engine.make();
      await open(store, 'watcher', 'sw');
      await store.subscribe('watcher', ['a', 'b']);
      await store.subscribe('other', ['a']);
      assert.deepEqual((await store.subscribersOf('a')).sort(), ['other', 'watcher']);
      await store.unsubscribe('other', ['a']);
      assert.deepEqual(await store.subscribersOf('a'), ['watcher']);
      await close(store, 'sw', T0 + 1);
      assert.deepEqual(await store.subscribersOf('b'), []);
    });

    test('a close handled before its open leaves the user offline and publishes nothing', async () => {
      const store = engine.make();
      assert.deepEqual(await close(store, 's1', T0), []);
      assert.deepEqual(await open(store, 'u1', 's1', 'gw1', T0 + 1), [], 'the late open is ignored');
      assert.deepEqual(
        await store.get(['u1']),
        [{ userId: 'u1', status: 'offline', lastSeen: new Date(0).toISOString() }],
        'not even lastSeen moved',
      );
    });

    test('a stale heartbeat listing a closed socket does not bring it back', async () => {
      const store = engine.make();
      await open(store, 'u1', 's1');
      assert.deepEqual(
        (await close(store, 's1', T0 + 10)).map((p) => p.status),
        ['offline'],
      );
      const beat = { gatewayId: 'gw1', gatewayExpiresAt: T0 + 5000, graceMs: 100, now: T0 + 20 };
      assert.deepEqual(await store.heartbeat({ ...beat, sockets: [{ socketId: 's1', userId: 'u1' }] }), {
        sockets: [],
        changes: [],
      });
      assert.equal((await store.get(['u1']))[0]?.status, 'offline');
      assert.deepEqual(
        await store.reapGateways(T0 + 6000),
        { gateways: 1, sockets: [], changes: [] },
        'nothing of s1 left on the gateway',
      );
    });

    test('a new socket id of a user whose old socket closed still comes online', async () => {
      const store = engine.make();
      await open(store, 'u1', 's1');
      await close(store, 's1', T0 + 10);
      assert.deepEqual(
        (await open(store, 'u1', 's2', 'gw1', T0 + 20)).map((p) => p.status),
        ['online'],
      );
      // And one re-created by a heartbeat after a state loss, next to the closed one it skips.
      await close(store, 's2', T0 + 30);
      const back = await store.heartbeat({
        gatewayId: 'gw1',
        sockets: [
          { socketId: 's2', userId: 'u1' },
          { socketId: 's3', userId: 'u1' },
        ],
        gatewayExpiresAt: T0 + 5000,
        graceMs: 100,
        now: T0 + 40,
      });
      assert.deepEqual(
        back.changes.map((p) => p.status),
        ['online'],
      );
      assert.deepEqual(
        (await close(store, 's3', T0 + 50)).map((p) => p.status),
        ['offline'],
        's2 was not re-added',
      );
    });
  });
}

describe('memory presence store tombstones', () => {
  test('a closed socket id can open again once its tombstone expired', async () => {
    const store = new MemoryPresenceStore();
    await store.close({ socketId: 's1', now: T0, tombstoneMs: 100 });
    assert.deepEqual(await open(store, 'u1', 's1', 'gw1', T0 + 99), []);
    assert.deepEqual(
      (await open(store, 'u1', 's1', 'gw1', T0 + 100)).map((p) => p.status),
      ['online'],
    );
  });
});

describe('redis presence store shared by two presence processes', () => {
  test('racing devices on two processes publish online once and offline once', async () => {
    const prefix = testPrefix('presence-race');
    prefixes.push(prefix);
    const second = testRedis();
    const a = new RedisPresenceStore(redis, prefix);
    const b = new RedisPresenceStore(second, prefix);
    try {
      for (let round = 0; round < 20; round++) {
        const now = T0 + round * 10;
        const opened = (
          await Promise.all([open(a, 'racer', `x${round}`, 'gw1', now), open(b, 'racer', `y${round}`, 'gw2', now)])
        ).flat();
        const closed = (await Promise.all([close(a, `x${round}`, now + 5), close(b, `y${round}`, now + 5)])).flat();
        assert.deepEqual(
          opened.map((p) => p.status),
          ['online'],
          `round ${round}`,
        );
        assert.deepEqual(
          closed.map((p) => p.status),
          ['offline'],
          `round ${round}`,
        );
      }
    } finally {
      await second.quit();
    }
  });

  test('an open and a close of one socket racing on two processes never leave it online', async () => {
    const prefix = testPrefix('presence-race-close');
    prefixes.push(prefix);
    const second = testRedis();
    const a = new RedisPresenceStore(redis, prefix);
    const b = new RedisPresenceStore(second, prefix);
    try {
      for (let round = 0; round < 20; round++) {
        const now = T0 + round * 10;
        // Sent in both orders: either may reach Redis first.
        const opening = () => open(a, 'racer', `z${round}`, 'gw1', now);
        const closing = () => close(b, `z${round}`, now + 5);
        const [opened, closed] =
          round % 2 === 0
            ? await Promise.all([opening(), closing()])
            : await Promise.all([closing(), opening()]).then(([c, o]) => [o, c] as const);
        const published = [...opened, ...closed].map((p) => p.status);
        assert.ok(
          published.length === 0 || published.join() === 'online,offline',
          `round ${round}: ${published.join()}`,
        );
        assert.equal((await a.get(['racer']))[0]?.status, 'offline', `round ${round}`);
      }
    } finally {
      await second.quit();
    }
  });
});
