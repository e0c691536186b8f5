// Presence is visible only to users who share a room with the target (admins see everyone):
// presence:get, presence:subscribe and the presence:changed fan-out, against both stores.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Presence, PresencesResult } from '@switchboard/protocol';
import { createTestDatabase, type TestDatabase } from '@switchboard/testkit';
import { type Harness, startHarness } from '../testing/harness.ts';

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase('presence_visibility');
});
after(async () => {
  await database.drop();
});

for (const store of ['memory', 'redis'] as const) {
  describe(`presence visibility (${store} store)`, () => {
    let h: Harness;
    const get = (asker: string, userIds: string[], role = 'user') =>
      h.request<PresencesResult>('presence:get', { userIds }, asker, role);
    const changesOf = (userId: string) =>
      h.events<Presence>('presence:changed').filter((e) => e.data.userId === userId);

    before(async () => {
      h = await startHarness({ label: `visibility-${store}`, store, database });
      h.rooms.set('target', ['shared']);
      h.rooms.set('mate', ['shared']);
      h.rooms.set('stranger', ['elsewhere']);
      await h.open('target', 't1');
    });
    after(async () => {
      await h.stop();
    });

    test('a stranger gets nothing about the target — the same answer as for an id nobody ever used', async () => {
      assert.deepEqual(await get('stranger', ['target']), { presences: [] });
      assert.deepEqual(await get('stranger', ['never-existed']), { presences: [] });
      const mixed = await get('stranger', ['stranger', 'target', 'never-existed']);
      assert.deepEqual(
        mixed.presences.map((p) => p.userId),
        ['stranger'],
        'only the asker themself',
      );
    });

    test('a roommate, the user themself and an admin see the target', async () => {
      assert.equal((await get('mate', ['target'])).presences[0]?.status, 'online');
      assert.equal((await get('target', ['target'])).presences[0]?.status, 'online');
      assert.equal((await get('root', ['target', 'stranger'], 'admin')).presences.length, 2);
      // A role that merely sounds powerful is not admin.
      assert.deepEqual(await get('boss', ['target'], 'administrator'), { presences: [] });
    });

    test("a stranger's subscription is not kept: the target's changes never name them", async () => {
      const subscribed = await h.request<PresencesResult>('presence:subscribe', { userIds: ['target'] }, 'stranger');
      assert.deepEqual(subscribed, { presences: [] });
      await h.request('presence:setStatus', { status: 'busy', customStatus: 'stranger test' }, 'target');
      const change = changesOf('target').at(-1);
      assert.equal(change?.data.customStatus, 'stranger test');
      assert.deepEqual(change?.targets, ['room:shared'], 'the shared room only');
    });

    test('a subscription made while sharing a room stops delivering when the room is no longer shared', async () => {
      h.rooms.set('ex', ['shared']);
      const subscribed = await h.request<PresencesResult>('presence:subscribe', { userIds: ['target'] }, 'ex');
      assert.equal(subscribed.presences[0]?.userId, 'target');
      await h.request('presence:setStatus', { status: 'away', customStatus: 'while shared' }, 'target');
      assert.ok(changesOf('target').at(-1)?.targets.includes('user:ex'), 'delivered while they share a room');

      h.rooms.set('ex', []); // ex left the room
      await h.request('presence:setStatus', { status: 'busy', customStatus: 'after leaving' }, 'target');
      const after = changesOf('target').at(-1);
      assert.equal(after?.data.customStatus, 'after leaving');
      assert.equal(after?.targets.includes('user:ex'), false, 'checked again at fan-out time');
      // The stored subscription now only reaches ex's sockets while their token says admin.
      assert.ok(after?.targets.includes('admin:ex'));
    });

    test("an admin's subscription to anyone is delivered through admin:{id}", async () => {
      h.rooms.set('loner', []);
      await h.open('loner', 'l1');
      const subscribed = await h.request<PresencesResult>(
        'presence:subscribe',
        { userIds: ['loner'] },
        'root',
        'admin',
      );
      assert.equal(subscribed.presences[0]?.status, 'online');
      await h.request('presence:setStatus', { status: 'busy' }, 'loner');
      assert.deepEqual(changesOf('loner').at(-1)?.targets, ['admin:root']);
    });

    test('when messaging cannot say who shares a room, presence:get about others is UNAVAILABLE, never guessed', async () => {
      h.messaging.up = false;
      try {
        await assert.rejects(get('mate', ['target']), { code: 'UNAVAILABLE' });
        assert.equal((await get('mate', ['mate'])).presences.length, 1, 'yourself needs no lookup');
        assert.equal((await get('root', ['target'], 'admin')).presences.length, 1, 'admins need no lookup');
      } finally {
        h.messaging.up = true;
      }
    });
  });
}
