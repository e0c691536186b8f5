import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NotificationCreateResult, NotificationListResult } from '@switchboard/protocol';
import { type Harness, startHarness } from '../testing/harness.ts';

describe('notification topics (real Postgres)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('notify_topics');
  });
  after(async () => {
    await h.close();
  });

  const topicsOf = async (command: string, userId: string, topics: string[]) =>
    (await h.ask<{ topics: string[] }>(command, { topics }, h.user(userId))).topics;

  test('subscribe persists and moves every live socket of the user into topic rooms; the answer lists all topics', async () => {
    h.broadcaster.clear();
    assert.deepEqual(await topicsOf('notification:subscribe', 'sam', ['ward-3', 'cardiology']), [
      'cardiology',
      'ward-3',
    ]);
    assert.ok(h.broadcaster.joined('user:sam', 'topic:ward-3'));
    assert.ok(h.broadcaster.joined('user:sam', 'topic:cardiology'));
    assert.deepEqual(
      await topicsOf('notification:subscribe', 'sam', ['ward-3']),
      ['cardiology', 'ward-3'],
      'idempotent',
    );
    assert.deepEqual(await topicsOf('notification:unsubscribe', 'sam', ['ward-3']), ['cardiology']);
    assert.ok(h.broadcaster.left('user:sam', 'topic:ward-3'));
  });

  test('a new socket joins its topics and gets its unread count on session:open', async () => {
    await topicsOf('notification:subscribe', 'ria', ['night-shift']);
    await h.ask('notification:create', { to: { user: 'ria' }, type: 't', title: 'x', body: '' }, h.user('b'));
    h.broadcaster.clear();
    await h.ask('session:open', { socketId: 'sock-ria', gatewayId: 'gw' }, h.user('ria'));
    assert.ok(h.broadcaster.joined('sock-ria', 'topic:night-shift'));
    assert.deepEqual(h.broadcaster.sentTo('sock-ria', 'notification:unread'), [{ unreadCount: 1 }]);
    assert.deepEqual(await h.ask('session:close', { socketId: 'sock-ria', gatewayId: 'gw' }, h.user('ria')), {});
  });

  test('a topic notification reaches 2,000 subscribers: one row each, one broadcast, unread grouped by count', async () => {
    const users = Array.from({ length: 2000 }, (_, i) => `sub-${i}`);
    await h.database.db.topicSubscription.createMany({ data: users.map((userId) => ({ userId, topic: 'all-staff' })) });
    // Half of them have one unread notification already, so two unread counts exist afterwards.
    await h.ask(
      'notification:create',
      { to: { users: users.slice(0, 1000) }, type: 't', title: 'old', body: '' },
      h.user('b'),
    );
    h.broadcaster.clear();
    const result = await h.ask<NotificationCreateResult>(
      'notification:create',
      { to: { topic: 'all-staff' }, type: 'announcement', title: 'Fire drill', body: 'at 3' },
      h.user('b'),
    );
    assert.equal(result.recipients, 2000);
    assert.equal(
      await h.database.db.notificationRecipient.count({ where: { notificationId: result.notificationIds[0]! } }),
      2000,
    );
    assert.equal(h.broadcaster.sentTo('topic:all-staff', 'notification:new').length, 1);
    const unreadEmits = h.broadcaster.all('notification:unread');
    assert.equal(unreadEmits.length, 2, 'one emit per distinct count');
    const byCount = new Map(
      unreadEmits.map((e) => [(e.data as { unreadCount: number }).unreadCount, e.targets.length]),
    );
    assert.deepEqual([...byCount.entries()].sort(), [
      [1, 1000],
      [2, 1000],
    ]);
    const last = await h.ask<NotificationListResult>('notification:list', { limit: 1 }, h.user('sub-1999'));
    assert.equal(last.notifications[0]!.topic, 'all-staff');
  });

  test('a topic nobody subscribed to creates a notification with no recipients', async () => {
    const result = await h.ask<NotificationCreateResult>(
      'notification:create',
      { to: { topic: 'empty-topic' }, type: 't', title: 'x', body: '' },
      h.user('b'),
    );
    assert.equal(result.recipients, 0);
  });
});
