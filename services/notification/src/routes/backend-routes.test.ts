import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_PUBLISH_DATA_BYTES } from '@switchboard/protocol';
import { type Harness, startHarness, TEST_API_KEY } from '../testing/harness.ts';

describe('backend REST: POST /api/notifications and /api/publish (X-Api-Key)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('notify_routes');
  });
  after(async () => {
    await h.close();
  });

  const notification = { to: { user: 'pat' }, type: 'appointment', title: 'Reminder', body: 'Tomorrow 9:00' };

  test('without, with a wrong or an almost-right key: 401, and nothing is created', async () => {
    const keys: Record<string, string>[] = [
      {},
      { 'x-api-key': 'wrong' },
      { 'x-api-key': `${TEST_API_KEY}x` },
      { 'x-api-key': '' },
    ];
    for (const headers of keys) {
      for (const path of ['notifications', 'publish']) {
        const { status, body } = await h.post(path, notification, headers);
        assert.equal(status, 401, `${path} ${JSON.stringify(headers)}`);
        assert.equal((body as { code: string }).code, 'UNAUTHENTICATED');
      }
    }
    assert.equal(await h.database.db.notification.count(), 0);
  });

  test('POST /api/notifications: 201 with recipients and ids; a repeated idempotencyKey creates nothing new', async () => {
    const first = await h.post('notifications', { ...notification, idempotencyKey: 'k-1' });
    assert.equal(first.status, 201);
    const body = first.body as { success: boolean; recipients: number; notificationIds: string[]; duplicate: boolean };
    assert.equal(body.success, true);
    assert.equal(body.recipients, 1);
    assert.equal(body.duplicate, false);
    const again = await h.post('notifications', { ...notification, idempotencyKey: 'k-1' });
    assert.equal(again.status, 201);
    assert.deepEqual((again.body as { notificationIds: string[] }).notificationIds, body.notificationIds);
    assert.equal((again.body as { duplicate: boolean }).duplicate, true);
    assert.equal(await h.database.db.notification.count({ where: { idempotencyKey: 'k-1' } }), 1);
  });

  test('malformed bodies: 400 naming the field', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['notifications', { ...notification, to: {} }, /^to: /],
      ['notifications', { ...notification, to: { users: [] } }, /^to\.users/],
      ['notifications', { ...notification, title: 42 }, /^title/],
      ['notifications', { ...notification, priority: 'urgent' }, /^priority/],
      ['notifications', '{"to":', /not valid JSON/],
      ['publish', { to: { role: 'staff' }, event: 'Bad Name', data: {} }, /^event: must match/],
      ['publish', { to: { role: 'staff' }, event: '9lives', data: {} }, /^event/],
      ['publish', { to: { role: 'staff' }, event: 'x'.repeat(65), data: {} }, /^event/],
      ['publish', { to: { role: 'staff', user: 'u' }, event: 'queue_refresh', data: {} }, /^to: /],
      ['publish', { to: { all: false }, event: 'queue_refresh', data: {} }, /^to/],
      ['publish', { to: { role: 'staff' }, event: 'message:new', data: {} }, /^event: message:new is reserved/],
      ['publish', { to: { role: 'staff' }, event: 'connected', data: {} }, /reserved/],
      ['publish', { to: { role: 'staff' }, event: 'disconnect', data: {} }, /reserved/],
      ['publish', { to: { role: 'staff' }, event: 'notification:unread', data: {} }, /reserved/],
    ];
    for (const [path, body, error] of cases) {
      const answer = await h.post(path, body);
      assert.equal(answer.status, 400, `${path} ${JSON.stringify(body)}`);
      const failure = answer.body as { success: boolean; code: string; error: string };
      assert.equal(failure.code, 'INVALID_PAYLOAD');
      assert.match(failure.error, error);
    }
    assert.equal(h.broadcaster.all('message:new').length, 0, 'nothing was emitted');
  });

  test('publish data over the documented size is refused (400), a body over the HTTP limit is 413', async () => {
    const big = { to: { all: true }, event: 'bulk', data: { blob: 'x'.repeat(MAX_PUBLISH_DATA_BYTES) } };
    const answer = await h.post('publish', big);
    assert.equal(answer.status, 400);
    assert.match((answer.body as { error: string }).error, /^data: must be at most 65536 bytes/);
    const huge = await h.post('publish', { ...big, data: { blob: 'x'.repeat(300 * 1024) } });
    assert.equal(huge.status, 413);
  });

  test('POST /api/publish: 202 and one emit to the target room, for every kind of target', async () => {
    h.broadcaster.clear();
    const targets: [Record<string, unknown>, string[]][] = [
      [{ user: 'patient-7' }, ['user:patient-7']],
      [{ role: 'staff' }, ['role:staff']],
      [{ room: 'r-1' }, ['room:r-1']],
      [{ topic: 'queue' }, ['topic:queue']],
      [{ all: true }, []],
    ];
    for (const [to] of targets) {
      const answer = await h.post('publish', { to, event: 'position_update', data: { position: 3 } });
      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, { success: true, delivered: true });
    }
    const emitted = h.broadcaster.emits.filter((e) => (e.event as string) === 'position_update');
    assert.deepEqual(
      emitted.map((e) => e.targets),
      targets.map(([, rooms]) => rooms),
    );
    assert.deepEqual(emitted[0]!.data, { position: 3 });
  });

  test('the notification:publish bus command runs the same code (reserved names refused there too)', async () => {
    h.broadcaster.clear();
    assert.deepEqual(
      await h.ask('notification:publish', { to: { role: 'staff' }, event: 'queue_refresh', data: null }, h.user('svc')),
      { delivered: true },
    );
    assert.equal(h.broadcaster.emits.length, 1);
    await assert.rejects(
      h.ask('notification:publish', { to: { role: 'staff' }, event: 'call:incoming', data: {} }, h.user('svc')),
      (e: { code?: string }) => e.code === 'INVALID_PAYLOAD',
    );
  });
});

describe('backend REST without API_KEY configured', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('notify_nokey', { API_KEY: '' });
  });
  after(async () => {
    await h.close();
  });
  test('every request is 401, whatever key it sends', async () => {
    const answer = await h.post(
      'publish',
      { to: { all: true }, event: 'x', data: {} },
      { 'x-api-key': 'anything-at-all' },
    );
    assert.equal(answer.status, 401);
  });
});
