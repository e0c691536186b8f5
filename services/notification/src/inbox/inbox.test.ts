import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Notification, NotificationCreateResult, NotificationListResult } from '@switchboard/protocol';
import { type Harness, rejectsWith, startHarness } from '../testing/harness.ts';

describe('notification inbox (real Postgres)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('notify_inbox');
  });
  after(async () => {
    await h.close();
  });

  const create = (payload: Record<string, unknown>) =>
    h.ask<NotificationCreateResult>(
      'notification:create',
      { type: 'reminder', title: 'T', body: 'B', ...payload },
      h.user('backend'),
    );
  const list = (userId: string, payload: Record<string, unknown> = {}) =>
    h.ask<NotificationListResult>('notification:list', payload, h.user(userId));
  const unread = async (userId: string) =>
    (await h.ask<{ unreadCount: number }>('notification:getUnreadCount', {}, h.user(userId))).unreadCount;

  test('a notification is persisted first, then pushed to the user and their unread count to every device', async () => {
    h.broadcaster.clear();
    const result = await create({ to: { user: 'ann' }, priority: 'high', data: { appointmentId: 'a1' } });
    assert.equal(result.recipients, 1);
    assert.equal(result.notificationIds.length, 1);
    const pushed = h.broadcaster.sentTo('user:ann', 'notification:new');
    assert.equal(pushed.length, 1);
    assert.equal(pushed[0]!.id, result.notificationIds[0]);
    assert.equal(pushed[0]!.priority, 'high');
    assert.deepEqual(pushed[0]!.data, { appointmentId: 'a1' });
    assert.deepEqual(h.broadcaster.sentTo('user:ann', 'notification:unread'), [{ unreadCount: 1 }]);
    const { notifications } = await list('ann');
    assert.equal(notifications[0]!.id, result.notificationIds[0]);
    assert.equal(notifications[0]!.readAt, null);
    assert.equal(await unread('ann'), 1);
  });

  test('the inbox pages newest first with the `before` cursor and says when there is more', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await create({ to: { user: 'pager' }, title: `n${i}` })).notificationIds[0]!);
    const newestFirst = [...ids].reverse();
    const seen: string[] = [];
    let before: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await list('pager', { limit: 3, ...(before ? { before } : {}) });
      pages += 1;
      seen.push(...page.notifications.map((n) => n.id));
      if (!page.hasMore) break;
      before = page.notifications.at(-1)!.id;
    }
    assert.deepEqual(seen, newestFirst);
    assert.equal(pages, 3);
  });

  test('read and readAll change the count and tell every device; reading twice changes nothing', async () => {
    const [a, b, c] = await Promise.all(
      ['1', '2', '3'].map(async (t) => (await create({ to: { user: 'reader' }, title: t })).notificationIds[0]!),
    );
    assert.equal(await unread('reader'), 3);
    h.broadcaster.clear();
    await h.ask('notification:read', { notificationId: a }, h.user('reader'));
    assert.deepEqual(h.broadcaster.sentTo('user:reader', 'notification:unread'), [{ unreadCount: 2 }]);
    await h.ask('notification:read', { notificationId: a }, h.user('reader'));
    assert.equal(h.broadcaster.sentTo('user:reader', 'notification:unread').length, 1, 'no change, no push');
    const readOne = (await list('reader')).notifications.find((n) => n.id === a)!;
    assert.ok(readOne.readAt, 'readAt is set');

    const { markedCount } = await h.ask<{ markedCount: number }>('notification:readAll', {}, h.user('reader'));
    assert.equal(markedCount, 2);
    assert.deepEqual(h.broadcaster.sentTo('user:reader', 'notification:unread').at(-1), { unreadCount: 0 });
    assert.equal(await unread('reader'), 0);
    const again = await h.ask<{ markedCount: number }>('notification:readAll', {}, h.user('reader'));
    assert.equal(again.markedCount, 0);
    assert.ok(b && c);
  });

  test("nobody reads, marks or pages from another user's notification", async () => {
    const [id] = (await create({ to: { user: 'owner' } })).notificationIds;
    await rejectsWith(
      h.ask('notification:read', { notificationId: id }, h.user('intruder')),
      'NOT_FOUND',
      /^Notification not found$/,
    );
    await rejectsWith(h.ask('notification:read', { notificationId: 'ntf_unknown' }, h.user('intruder')), 'NOT_FOUND');
    await rejectsWith(list('intruder', { before: id }), 'INVALID_PAYLOAD', /^before: /);
    assert.deepEqual((await list('intruder')).notifications, []);
    await h.ask('notification:readAll', {}, h.user('intruder'));
    assert.equal(await unread('owner'), 1, "the owner's stays unread");
  });

  test('users and role targets persist one shared notification with a read state per user', async () => {
    const many = await create({ to: { users: ['u1', 'u2', 'u2', 'u3'] } });
    assert.equal(many.recipients, 3, 'duplicates collapse');
    for (const u of ['u1', 'u2', 'u3']) assert.equal((await list(u)).notifications[0]!.id, many.notificationIds[0]);
    await h.ask('notification:read', { notificationId: many.notificationIds[0] }, h.user('u1'));
    assert.equal(await unread('u1'), 0);
    assert.equal(await unread('u2'), 1, "one user's read leaves the others' unread");

    // A role reaches the users the service has seen connect with it.
    await h.ask('session:open', { socketId: 's-n1', gatewayId: 'g' }, h.user('nurse-1', { role: 'nurse' }));
    await h.ask('session:open', { socketId: 's-n2', gatewayId: 'g' }, h.user('nurse-2', { role: 'nurse' }));
    await h.ask('session:open', { socketId: 's-d1', gatewayId: 'g' }, h.user('doc-1', { role: 'doctor' }));
    h.broadcaster.clear();
    const role = await create({ to: { role: 'nurse' } });
    assert.equal(role.recipients, 2);
    assert.equal(h.broadcaster.sentTo('role:nurse', 'notification:new').length, 1, 'one broadcast to the role room');
    assert.equal((await list('doc-1')).notifications.length, 0);
  });

  test('an idempotency key makes a retry create nothing new, even when retries race', async () => {
    const payload = { to: { users: ['idem-1', 'idem-2'] }, idempotencyKey: 'appointment-42-reminder' };
    const results = await Promise.all([create(payload), create(payload), create(payload)]);
    const ids = new Set(results.flatMap((r) => r.notificationIds));
    assert.equal(ids.size, 1, 'one notification for the three requests');
    for (const r of results) assert.equal(r.recipients, 2);
    assert.equal((await list('idem-1')).notifications.length, 1);
    assert.equal(await unread('idem-2'), 1);
  });

  test('bad input is refused with INVALID_PAYLOAD naming the field, and nothing is written', async () => {
    const before = await h.database.db.notification.count();
    await rejectsWith(create({ to: {} }), 'INVALID_PAYLOAD', /^to: needs exactly one/);
    await rejectsWith(create({ to: { user: 'a', role: 'b' } }), 'INVALID_PAYLOAD', /^to: /);
    await rejectsWith(create({ to: { user: 'a' }, priority: 'urgent' }), 'INVALID_PAYLOAD', /^priority/);
    await rejectsWith(create({ to: { user: 'a' }, title: '' }), 'INVALID_PAYLOAD', /^title/);
    await rejectsWith(create({ to: { user: 'a' }, body: 'nul\u0000' }), 'INVALID_PAYLOAD', /^body/);
    await rejectsWith(list('a', { limit: 1000 }), 'INVALID_PAYLOAD', /^limit/);
    await rejectsWith(h.ask('notification:read', {}, h.user('a')), 'INVALID_PAYLOAD', /^notificationId/);
    await rejectsWith(
      h.ask('notification:subscribe', { topics: ['has space'] }, h.user('a')),
      'INVALID_PAYLOAD',
      /^topics/,
    );
    assert.equal(await h.database.db.notification.count(), before);
    assert.equal(await unread('ann'), 1, 'the service still answers');
  });

  test('notifications carry the protocol shape', async () => {
    const [id] = (await create({ to: { user: 'shape' }, type: 'appointment', title: 'Tomorrow', body: '9:00' }))
      .notificationIds;
    const n: Notification = (await list('shape')).notifications[0]!;
    assert.deepEqual(Object.keys(n).sort(), ['body', 'createdAt', 'data', 'id', 'priority', 'readAt', 'title', 'type']);
    assert.equal(n.id, id);
    assert.equal(n.priority, 'normal');
    assert.ok(!Number.isNaN(Date.parse(n.createdAt)));
  });
});
