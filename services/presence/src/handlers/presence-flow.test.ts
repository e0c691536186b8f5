import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Presence, PresencesResult } from '@switchboard/protocol';
import { createTestDatabase, flushPrefix, sleep, type TestDatabase, waitFor } from '@switchboard/testkit';
import { type Harness, startHarness } from '../testing/harness.ts';

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase('presence_flow');
});
after(async () => {
  await database.drop();
});

const changesOf = (h: Harness, userId: string) =>
  h.events<Presence>('presence:changed').filter((e) => e.data.userId === userId);

for (const store of ['memory', 'redis'] as const) {
  describe(`presence over the bus (${store} store)`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({
        label: `flow-${store}`,
        store,
        database,
        env: { PRESENCE_OFFLINE_AFTER_MS: '600', PRESENCE_AWAY_AFTER_MS: '300' },
      });
    });
    after(async () => {
      await h.stop();
    });

    test('two devices then one then none publishes online once and offline once', async () => {
      h.rooms.set('alice', ['r1']);
      h.rooms.set('watcher', ['r1']);
      await h.open('watcher', 'w1');
      await h.request('presence:subscribe', { userIds: ['alice'] }, 'watcher');
      await h.open('alice', 'a1', 'gw1');
      await h.open('alice', 'a2', 'gw2');
      await h.close('alice', 'a1', 'gw1');
      const { presences } = await h.request<PresencesResult>('presence:get', { userIds: ['alice'] }, 'watcher');
      assert.equal(presences[0]?.status, 'online', 'one device left: still online');
      await h.close('alice', 'a2', 'gw2');
      const changes = changesOf(h, 'alice');
      assert.deepEqual(
        changes.map((c) => c.data.status),
        ['online', 'offline'],
      );
      for (const change of changes) assert.deepEqual(change.targets.sort(), ['room:r1', 'user:watcher']);
    });

    test('a custom status reaches subscribers and survives a second device', async () => {
      h.rooms.set('bob', []);
      await h.open('bob', 'b1');
      // bob shares no room with the watcher: only an admin's subscription is kept.
      await h.request('presence:subscribe', { userIds: ['bob'] }, 'watcher', 'admin');
      await h.request('presence:setStatus', { status: 'busy', customStatus: 'In a meeting' }, 'bob');
      await h.open('bob', 'b2');
      const last = changesOf(h, 'bob').at(-1);
      assert.deepEqual(
        { ...last?.data, lastSeen: undefined },
        { userId: 'bob', status: 'busy', customStatus: 'In a meeting', lastSeen: undefined },
      );
      assert.deepEqual(last?.targets, ['admin:watcher']);
      const { presences } = await h.request<PresencesResult>(
        'presence:subscribe',
        { userIds: ['bob'] },
        'watcher',
        'admin',
      );
      assert.equal(presences[0]?.customStatus, 'In a meeting');
    });

    test('a bad status is refused with INVALID_PAYLOAD', async () => {
      await assert.rejects(h.request('presence:setStatus', { status: 'offline' }, 'bob'), { code: 'INVALID_PAYLOAD' });
      await assert.rejects(h.request('presence:get', ['x'], 'bob'), { code: 'INVALID_PAYLOAD' });
    });

    test('the users of a gateway that stops heartbeating go offline within the bound', async () => {
      h.rooms.set('carol', ['rc']);
      await h.open('carol', 'c1', 'gw-doomed');
      await h.open('dave', 'd1', 'gw-doomed');
      await h.open('dave', 'd2', 'gw-healthy');
      const beating = setInterval(() => void h.heartbeat('gw-healthy', [{ socketId: 'd2', userId: 'dave' }]), 100);
      try {
        await h.heartbeat('gw-doomed', [
          { socketId: 'c1', userId: 'carol' },
          { socketId: 'd1', userId: 'dave' },
        ]);
        const offline = await waitFor(() => changesOf(h, 'carol').find((c) => c.data.status === 'offline'), {
          timeoutMs: 3000,
          what: 'carol offline',
        });
        assert.ok(offline);
        await sleep(300);
        assert.equal(changesOf(h, 'carol').filter((c) => c.data.status === 'offline').length, 1, 'published once');
        const { presences } = await h.request<PresencesResult>(
          'presence:get',
          { userIds: ['carol', 'dave'] },
          'watcher',
          'admin',
        );
        assert.equal(presences[0]?.status, 'offline');
        // dave keeps his device on the healthy gateway (online, or away: the idle bound is short here).
        assert.notEqual(presences[1]?.status, 'offline');
      } finally {
        clearInterval(beating);
      }
    });

    test('an idle user becomes away and activity brings them back online', async () => {
      h.rooms.set('erin', ['re']);
      await h.open('erin', 'e1', 'gw-erin');
      const beating = setInterval(() => void h.heartbeat('gw-erin', [{ socketId: 'e1', userId: 'erin' }]), 100);
      try {
        await waitFor(() => changesOf(h, 'erin').find((c) => c.data.status === 'away'), {
          timeoutMs: 3000,
          what: 'erin away',
        });
        await h.request('presence:activity', {}, 'erin');
        assert.equal(changesOf(h, 'erin').at(-1)?.data.status, 'online');
      } finally {
        clearInterval(beating);
      }
    });

    test("a gateway's batched activity brings each away user back online; a user with no device stays offline", async () => {
      h.rooms.set('fay', ['rf']);
      h.rooms.set('gus', ['rg']);
      await h.open('fay', 'fa1', 'gw-batch');
      await h.open('gus', 'gu1', 'gw-batch');
      const sockets = [
        { socketId: 'fa1', userId: 'fay' },
        { socketId: 'gu1', userId: 'gus' },
      ];
      const beating = setInterval(() => void h.heartbeat('gw-batch', sockets), 100);
      try {
        for (const user of ['fay', 'gus']) {
          await waitFor(() => changesOf(h, user).find((c) => c.data.status === 'away'), {
            timeoutMs: 3000,
            what: `${user} away`,
          });
        }
        await h.request('presence:activities', { gatewayId: 'gw-batch', userIds: ['fay', 'gus', 'nobody'] }, 'system');
        assert.equal(changesOf(h, 'fay').at(-1)?.data.status, 'online');
        assert.equal(changesOf(h, 'gus').at(-1)?.data.status, 'online');
        assert.equal(changesOf(h, 'nobody').length, 0, 'activity of a user with no device changes nothing');
        const { presences } = await h.request<PresencesResult>(
          'presence:get',
          { userIds: ['nobody'] },
          'admin',
          'admin',
        );
        assert.equal(presences[0]?.status, 'offline');
      } finally {
        clearInterval(beating);
      }
    });

    test('a batched activity naming no user is refused with INVALID_PAYLOAD, and the service goes on', async () => {
      await assert.rejects(
        h.request('presence:activities', { gatewayId: 'gw-batch', userIds: [] }, 'system'),
        (error: Error & { code?: string }) => error.code === 'INVALID_PAYLOAD' && /userIds/.test(error.message),
      );
      h.rooms.set('hal', ['rh']);
      await h.open('hal', 'h1', 'gw-batch');
      assert.equal(changesOf(h, 'hal').at(-1)?.data.status, 'online');
    });

    test('without messaging, changes reach admin subscribers only (memberships are never guessed)', async () => {
      h.messaging.up = false;
      try {
        await h.request('presence:subscribe', { userIds: ['frank'] }, 'watcher', 'admin');
        await h.open('frank', 'f1');
        assert.deepEqual(changesOf(h, 'frank').at(-1)?.targets, ['admin:watcher']);
      } finally {
        h.messaging.up = true;
      }
    });

    if (store === 'redis') {
      test('after Redis loses its state, heartbeats bring connected users back and nothing stays online', async () => {
        await h.open('gina', 'g1', 'gw-r');
        await h.open('hank', 'h1', 'gw-r');
        await flushPrefix(h.redis!, h.prefix);
        const asAdmin = (userIds: string[]) =>
          h.request<PresencesResult>('presence:get', { userIds }, 'watcher', 'admin');
        let { presences } = await asAdmin(['gina']);
        assert.equal(presences[0]?.status, 'offline', 'state lost');
        // hank left while Redis was down; the gateway only lists gina.
        await h.heartbeat('gw-r', [{ socketId: 'g1', userId: 'gina' }]);
        ({ presences } = await asAdmin(['gina', 'hank']));
        assert.deepEqual(
          presences.map((p) => p.status),
          ['online', 'offline'],
        );
        // And the rebuilt state is reaped like any other when the gateway then dies.
        await waitFor(async () => (await asAdmin(['gina'])).presences[0]?.status === 'offline', {
          timeoutMs: 3000,
          what: 'gina reaped',
        });
      });
    }
  });
}
