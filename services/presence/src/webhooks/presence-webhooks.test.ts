// Presence's webhooks against the real service (MemoryBus, Postgres, both stores): one outbox row
// per real transition, none for the rest, relayed from the store's journal (at least once).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Presence, SessionPayload } from '@switchboard/protocol';
import { createTestDatabase, type TestDatabase, waitFor } from '@switchboard/testkit';
import { RedisPresenceStore } from '../store/redis-store.ts';
import { type Harness, startHarness } from '../testing/harness.ts';

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase('presence_webhooks');
});
after(async () => {
  await database.drop();
});

const WEBHOOKS = { WEBHOOK_URL: 'http://127.0.0.1:9/hooks', WEBHOOK_SECRET: 'whsec_c2VjcmV0' };

interface Row {
  type: string;
  data: Record<string, unknown>;
}

/** Outbox rows about one user (or fence), oldest first. */
async function rowsOf(h: Harness, key: string, value: string): Promise<Row[]> {
  const rows = await h.db.webhookEvent.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return rows
    .map((r) => r.payload as unknown as Row)
    .filter((p) => p.data[key] === value)
    .map(({ type, data }) => ({ type, data }));
}
const typesOf = async (h: Harness, userId: string) => (await rowsOf(h, 'userId', userId)).map((r) => r.type);

let sentinels = 0;
/**
 * Until the relay has moved everything journaled so far: a sentinel user comes online after it,
 * and the journal is relayed in order, so once the sentinel's row exists so do the earlier ones
 * (and a row that should not exist would have been written by now).
 */
async function relayed(h: Harness): Promise<void> {
  const sentinel = `sentinel-${sentinels++}`;
  await h.open(sentinel, `${sentinel}-1`);
  await waitFor(async () => (await typesOf(h, sentinel)).length === 1, {
    what: 'the journal relayed',
    timeoutMs: 10_000,
  });
}

for (const store of ['memory', 'redis'] as const) {
  describe(`presence webhooks (${store} store)`, () => {
    let h: Harness;
    const swept: SessionPayload[] = [];
    before(async () => {
      h = await startHarness({
        label: `webhooks-${store}`,
        store,
        database,
        env: {
          ...WEBHOOKS,
          PRESENCE_OFFLINE_AFTER_MS: '600',
          LOCATION_RATE_BURST: '1000',
          PRESENCE_WEBHOOK_RELAY_MS: '20',
        },
        callSignaling: {
          'session:close': async (payload) => {
            swept.push(payload);
            return {};
          },
        },
      });
    });
    after(async () => {
      await h.stop();
    });

    test('first device: one user.online; second device, away/busy, one of two leaving: none', async () => {
      const user = `${store}-ann`;
      await h.open(user, `${user}-1`, 'gw1');
      await relayed(h);
      assert.deepEqual(await typesOf(h, user), ['user.online']);
      const [online] = await rowsOf(h, 'userId', user);
      assert.equal(online?.data.status, 'online');
      assert.equal(typeof online?.data.lastSeen, 'string');

      await h.open(user, `${user}-2`, 'gw2');
      await h.request('presence:setStatus', { status: 'busy' }, user);
      await h.request('presence:setStatus', { status: 'away', customStatus: 'Lunch' }, user);
      await h.request('presence:setStatus', { status: 'online' }, user);
      await h.close(user, `${user}-1`, 'gw1');
      await relayed(h);
      assert.deepEqual(await typesOf(h, user), ['user.online'], 'no row without an offline<->online transition');
      assert.ok(
        h.events<Presence>('presence:changed').every((e) => !('previousStatus' in e.data)),
        'clients get the presence only',
      );

      await h.close(user, `${user}-2`, 'gw2');
      await h.close(user, `${user}-2`, 'gw2'); // a repeated close is no transition
      await relayed(h);
      assert.deepEqual(await typesOf(h, user), ['user.online', 'user.offline']);
    });

    if (store === 'redis') {
      test('a crossing journaled by a process that died before relaying it is relayed by another', async () => {
        // What a presence process SIGKILLed right after its script leaves: the journal entry, no row.
        const user = 'orphan-fay';
        const dying = new RedisPresenceStore(h.redis!, h.prefix);
        const [change] = await dying.open({
          userId: user,
          socketId: `${user}-1`,
          gatewayId: 'gw-x',
          gatewayExpiresAt: Date.now() + 60_000,
          now: Date.now(),
        });
        assert.equal(change?.status, 'online');
        await relayed(h);
        const rows = await rowsOf(h, 'userId', user);
        assert.deepEqual(
          rows.map((r) => [r.type, r.data.status]),
          [['user.online', 'online']],
        );
      });

      test('an entry relayed twice (a relay killed between the insert and the removal) is one row', async () => {
        const entry = JSON.stringify({
          id: 'msg_ptwice',
          type: 'user.offline',
          at: Date.now(),
          userId: 'twice-gus',
          status: 'offline',
          lastSeen: Date.now(),
        });
        // Left at the head twice: the second relay inserts it again after the first did.
        await h.redis!.rpush(`${h.prefix}presence:wh`, entry, entry);
        await relayed(h);
        assert.equal(await h.db.webhookEvent.count({ where: { id: 'msg_ptwice' } }), 1);
        assert.equal(await h.redis!.lpos(`${h.prefix}presence:wh`, entry), null, 'both copies removed');
      });

      test('metrics: the journal waiting (0 once relayed) and the events this process relayed', async () => {
        await relayed(h);
        const text = await h.metrics.registry.metrics();
        assert.match(text, /^switchboard_presence_webhook_journal\{[^}]*\} 0$/m);
        const relayedTotal = Number(/^switchboard_presence_webhooks_relayed_total\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
        assert.ok(relayedTotal > 0, `relayed total ${relayedTotal}`);
      });

      test('an unreadable journal entry is dropped and logged, the ones after it relayed', async () => {
        await h.redis!.rpush(`${h.prefix}presence:wh`, '{"not":"a transition"}', 'not json');
        const user = 'after-junk-hal';
        await h.open(user, `${user}-1`);
        await relayed(h);
        assert.deepEqual(await typesOf(h, user), ['user.online']);
        assert.equal(await h.redis!.llen(`${h.prefix}presence:wh`), 0);
      });
    }

    test('a busy user connecting is a user.online; leaving busy a user.offline', async () => {
      const user = `${store}-bea`;
      await h.open(user, `${user}-1`);
      await h.request('presence:setStatus', { status: 'busy' }, user);
      await h.close(user, `${user}-1`);
      await h.open(user, `${user}-2`);
      await relayed(h);
      const rows = await rowsOf(h, 'userId', user);
      assert.deepEqual(
        rows.map((r) => [r.type, r.data.status]),
        [
          ['user.online', 'online'],
          ['user.offline', 'offline'],
          ['user.online', 'busy'],
        ],
      );
    });

    test('a dead gateway reaped: user.offline once, and call-signaling told of each socket', async () => {
      const user = `${store}-cid`;
      const other = `${store}-dan`;
      await h.open(user, `${user}-1`, `${store}-gw-dead`);
      await h.open(other, `${other}-1`, `${store}-gw-dead`);
      await h.open(other, `${other}-2`, `${store}-gw-alive`);
      // Only the live gateway beats; the dead one expires after PRESENCE_OFFLINE_AFTER_MS.
      const beat = setInterval(() => {
        h.heartbeat(`${store}-gw-alive`, [{ socketId: `${other}-2`, userId: other }]).catch(() => {});
      }, 100);
      try {
        await waitFor(async () => (await typesOf(h, user)).includes('user.offline'), {
          what: 'the reaped user offline',
          timeoutMs: 20_000,
        });
        await waitFor(() => swept.filter((s) => s.gatewayId === `${store}-gw-dead`).length === 2, {
          what: 'both swept sockets reported',
          timeoutMs: 20_000,
        });
      } finally {
        clearInterval(beat);
      }
      await relayed(h);
      assert.deepEqual(await typesOf(h, user), ['user.online', 'user.offline']);
      assert.deepEqual(await typesOf(h, other), ['user.online'], 'still online on the live gateway');
      assert.deepEqual(
        swept
          .filter((s) => s.gatewayId === `${store}-gw-dead`)
          .map((s) => s.socketId)
          .sort(),
        [`${user}-1`, `${other}-1`].sort(),
      );
    });

    test('a gateway restarted under its id beats without its old sockets: they are reported too', async () => {
      const user = `${store}-eve`;
      const gatewayId = `${store}-gw-restarted`;
      await h.open(user, `${user}-old`, gatewayId);
      // The restarted process lists only its new socket; the old one is older than the beat's grace.
      await waitFor(
        async () => {
          await h.heartbeat(gatewayId, [], 50);
          return swept.some((s) => s.socketId === `${user}-old`);
        },
        { what: 'the old socket dropped and reported', timeoutMs: 20_000 },
      );
      assert.deepEqual(
        swept.filter((s) => s.socketId === `${user}-old`),
        [{ socketId: `${user}-old`, gatewayId }],
      );
      await relayed(h);
      assert.deepEqual(await typesOf(h, user), ['user.online', 'user.offline']);
    });
  });
}

describe('geofence.violation webhook', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      label: 'webhooks-fence',
      store: 'memory',
      database,
      env: { ...WEBHOOKS, LOCATION_RATE_BURST: '1000' },
    });
    h.rooms.set('digger', ['quarry']);
  });
  after(async () => {
    await h.stop();
  });

  test('one row per crossing, written with the state change', async () => {
    const res = await fetch(`${h.baseUrl}/geofences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token('boss', 'supervisor')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Pit',
        kind: 'danger',
        roomId: 'quarry',
        shape: { type: 'circle', center: { latitude: 50, longitude: 8 }, radiusMeters: 100 },
      }),
    });
    assert.equal(res.status, 201);
    const { geofence } = (await res.json()) as { geofence: { id: string } };
    const move = (latitude: number) =>
      h.request('location:update', { latitude, longitude: 8, timestamp: new Date().toISOString() }, 'digger');
    const far = 50 + 1000 / 111_195;
    await move(far); // outside a danger zone: nothing
    assert.deepEqual(await rowsOf(h, 'geofenceId', geofence.id), []);
    await move(50); // entered
    await move(50); // still inside: the crossing is not repeated
    const rows = await rowsOf(h, 'geofenceId', geofence.id);
    assert.deepEqual(
      rows.map((r) => [r.type, r.data.userId, r.data.transition, r.data.kind, r.data.roomId]),
      [['geofence.violation', 'digger', 'entered', 'danger', 'quarry']],
    );
    assert.deepEqual(rows[0]?.data, h.events('geofence:violation').at(-1)?.data, 'the same data as the socket event');
    await move(far); // leaving a danger zone is no violation
    assert.equal((await rowsOf(h, 'geofenceId', geofence.id)).length, 1);
  });
});
