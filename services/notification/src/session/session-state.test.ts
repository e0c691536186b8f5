import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@switchboard/testkit';
import { openSessionState, openSessionStates } from './session-state.ts';

describe('openSessionState: one statement on the pool (real Postgres)', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('notif_session');
  });
  after(async () => {
    await database?.drop();
  });

  test('a new user is remembered with its role, with no topics and nothing unread', async () => {
    assert.deepEqual(await openSessionState(database.db, { userId: 'new', role: 'user' }), {
      topics: [],
      unreadCount: 0,
    });
    assert.equal((await database.db.notificationUser.findUnique({ where: { id: 'new' } }))?.role, 'user');
  });

  test('a known user: role updated, last seen moved, topics alphabetically, only unread counted', async () => {
    const { db } = database;
    const seen = new Date('2020-01-01T00:00:00Z');
    await db.notificationUser.create({ data: { id: 'u1', role: 'user', lastSeenAt: seen } });
    await db.topicSubscription.createMany({
      data: ['zeta', 'alpha', 'mid'].map((topic) => ({ userId: 'u1', topic })),
    });
    await db.topicSubscription.create({ data: { userId: 'other', topic: 'other-topic' } });
    for (const [id, readAt] of [
      ['n1', null],
      ['n2', null],
      ['n3', new Date()],
    ] as const) {
      await db.notification.create({
        data: { id, type: 't', title: 'x', body: 'y', recipients: { create: { userId: 'u1', readAt } } },
      });
    }
    await db.notification.create({
      data: { id: 'n4', type: 't', title: 'x', body: 'y', recipients: { create: { userId: 'other' } } },
    });

    assert.deepEqual(await openSessionState(db, { userId: 'u1', role: 'admin' }), {
      topics: ['alpha', 'mid', 'zeta'],
      unreadCount: 2,
    });
    const user = await db.notificationUser.findUnique({ where: { id: 'u1' } });
    assert.equal(user?.role, 'admin');
    assert.ok(user && user.lastSeenAt > seen, 'lastSeenAt moved');
  });

  test('a batch: each user as openSessionState would answer it, a user with two sockets written once', async () => {
    const { db } = database;
    await db.topicSubscription.create({ data: { userId: 'b1', topic: 'news' } });
    await db.notification.create({
      data: { id: 'nb1', type: 't', title: 'x', body: 'y', recipients: { create: { userId: 'b2' } } },
    });
    const states = await openSessionStates(db, [
      { userId: 'b1', role: 'user' },
      { userId: 'b2', role: 'user' },
      { userId: 'b1', role: 'supervisor' },
      { userId: 'b3', role: 'user' },
    ]);
    assert.deepEqual(Object.fromEntries(states), {
      b1: { topics: ['news'], unreadCount: 0 },
      b2: { topics: [], unreadCount: 1 },
      b3: { topics: [], unreadCount: 0 },
    });
    assert.equal((await db.notificationUser.findUnique({ where: { id: 'b1' } }))?.role, 'supervisor', 'the last wins');
    for (const userId of ['b1', 'b2', 'b3']) {
      assert.deepEqual(states.get(userId), await openSessionState(db, { userId, role: 'user' }));
    }
  });
});
