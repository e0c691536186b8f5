import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Alert, AlertResult, SosResult } from '@switchboard/protocol';
import { createTestDatabase, type TestDatabase, waitFor } from '@switchboard/testkit';
import { type AlertsHarness, startAlertsHarness } from './testing/harness.ts';

describe('emergency SOS, acknowledge and resolve (real Postgres, bus, broadcaster)', () => {
  let database: TestDatabase;
  let h: AlertsHarness;
  before(async () => {
    database = await createTestDatabase('alerts_sos');
    h = await startAlertsHarness({ label: 'alerts_sos', database, webhooks: true });
  });
  after(async () => {
    await h.stop();
    await database.drop();
  });
  beforeEach(() => {
    h.broadcaster.emits.length = 0;
    h.broadcaster.moves.length = 0;
    h.created.length = 0;
  });

  const twoRooms = (owner: string) => {
    h.rooms.set(owner, [
      {
        roomId: `${owner}-home`,
        memberIds: [owner, 'kim'],
        contacts: [{ phone: '+15550001', userId: 'kim' }, { phone: '+15550002' }],
      },
      { roomId: `${owner}-work`, memberIds: [owner, 'pia'], contacts: [{ phone: '+15550003', userId: 'lou' }] },
    ]);
  };

  test('SOS activates every owned room, alerts every contact by phone, notifies offline known contacts, audits and enqueues a webhook', async () => {
    twoRooms('ola');
    h.online.add('kim');
    const result = await h.ask<SosResult>(
      'emergency:sos',
      { type: 'MEDICAL', message: 'fell', location: { latitude: 1, longitude: 2 } },
      'ola',
    );
    assert.deepEqual(result.activatedRooms, ['ola-home', 'ola-work']);
    assert.equal(result.alert.alertId, result.alertId);
    assert.deepEqual(
      {
        state: result.alert.state,
        level: result.alert.level,
        type: result.alert.type,
        userName: result.alert.userName,
      },
      { state: 'active', level: 1, type: 'MEDICAL', userName: 'Name ola' },
    );
    assert.deepEqual(result.alert.location, { latitude: 1, longitude: 2 });

    const activated = h.broadcaster.all('emergency:activated');
    assert.deepEqual(
      activated.map((e) => e.targets),
      [['room:ola-home'], ['room:ola-work']],
    );
    assert.deepEqual((activated[0]!.data as Alert & { roomId: string }).roomId, 'ola-home');
    const alerted = h.broadcaster.all('emergency:alert');
    assert.equal(alerted.length, 1, 'one emit: each socket gets it once however many rooms it is in');
    // Contacts only (pia is a member: she gets emergency:activated through the room).
    assert.deepEqual(
      alerted[0]!.targets.sort(),
      ['phone:+15550001', 'phone:+15550002', 'phone:+15550003', 'user:kim', 'user:lou'].sort(),
    );
    assert.ok(h.broadcaster.joined('phone:+15550002', 'alert:ola'), 'contacts follow the alert room');
    assert.ok(h.broadcaster.joined('room:ola-home', 'alert:ola'));

    await waitFor(() => h.created.length === 1, { what: 'the offline notification' });
    assert.deepEqual(h.created[0]!.to, { users: ['lou'] }, 'kim is online; the unknown phone has no user id');
    assert.equal(h.created[0]!.priority, 'critical');

    const audit = await h.db.alertAudit.findMany({ where: { alertId: result.alertId }, orderBy: { id: 'asc' } });
    assert.deepEqual(
      audit.map((a) => a.action),
      ['triggered', 'notified', 'notified', 'notified'],
    );
    const timers = await h.db.durableTimer.findMany({ where: { key: { startsWith: `${result.alertId}:` } } });
    assert.deepEqual(timers.map((t) => t.key).sort(), [`${result.alertId}:2`, `${result.alertId}:3`]);
    const hooks = await h.db.webhookEvent.findMany({ where: { type: 'emergency.triggered' } });
    assert.equal(hooks.filter((w) => JSON.stringify(w.payload).includes(result.alertId)).length, 1);
  });

  test('a second SOS while the alert is open returns it and changes nothing', async () => {
    twoRooms('sam');
    const first = await h.ask<SosResult>('emergency:sos', { type: 'PANIC' }, 'sam');
    h.broadcaster.emits.length = 0;
    const again = await h.ask<SosResult>('emergency:sos', { type: 'FIRE' }, 'sam');
    assert.equal(again.alertId, first.alertId);
    assert.equal(again.alert.type, 'PANIC');
    assert.equal(h.broadcaster.all('emergency:alert').length, 0, 'no second fan-out');
    assert.equal(await h.db.alert.count({ where: { userId: 'sam' } }), 1);
  });

  test('ten simultaneous presses make one alert', async () => {
    twoRooms('rae');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => h.ask<SosResult>('emergency:sos', { type: 'SECURITY' }, 'rae')),
    );
    assert.equal(new Set(results.map((r) => r.alertId)).size, 1);
    assert.equal(await h.db.alert.count({ where: { userId: 'rae' } }), 1);
    assert.equal(await h.db.durableTimer.count({ where: { key: { startsWith: `${results[0]!.alertId}:` } } }), 2);
  });

  test('with messaging down the alert is still raised, with no rooms', async () => {
    h.messaging.up = false;
    try {
      const result = await h.ask<SosResult>('emergency:sos', { type: 'GENERAL' }, 'lone');
      assert.deepEqual(result.activatedRooms, []);
      assert.equal(result.alert.state, 'active');
    } finally {
      h.messaging.up = true;
    }
  });

  test('acknowledge: the audience only; it cancels escalation, reaches everyone alerted and is idempotent', async () => {
    twoRooms('ivy');
    const { alertId } = await h.ask<SosResult>('emergency:sos', { type: 'PANIC' }, 'ivy');
    await assert.rejects(h.ask('emergency:acknowledge', { alertId }, 'eve'), { code: 'FORBIDDEN' });
    await assert.rejects(
      h.ask('emergency:acknowledge', { alertId }, 'ivy'),
      { code: 'FORBIDDEN' },
      'not the user themself',
    );
    await assert.rejects(h.ask('emergency:acknowledge', { alertId: 'nope' }, 'kim'), { code: 'NOT_FOUND' });

    const { alert } = await h.ask<AlertResult>('emergency:acknowledge', { alertId }, 'stranger', {
      phone: '+15550002',
    });
    assert.deepEqual([alert.state, alert.acknowledgedBy], ['acknowledged', 'stranger']);
    assert.equal(await h.db.durableTimer.count({ where: { key: { startsWith: `${alertId}:` } } }), 0);
    const acked = h.broadcaster.all('emergency:acknowledged');
    assert.equal(acked.length, 1);
    for (const room of ['alert:ivy', 'user:ivy', 'room:ivy-home', 'room:ivy-work', 'phone:+15550001']) {
      assert.ok(acked[0]!.targets.includes(room), `acknowledged reaches ${room}`);
    }
    const again = await h.ask<AlertResult>('emergency:acknowledge', { alertId }, 'kim');
    assert.equal(again.alert.acknowledgedBy, 'stranger', 'the first acknowledger stays');
    assert.equal(h.broadcaster.all('emergency:acknowledged').length, 1);
  });

  test('resolve: the user, the acknowledger or an admin; then CONFLICT; a new SOS makes a new alert', async () => {
    twoRooms('max');
    const { alertId } = await h.ask<SosResult>('emergency:sos', { type: 'FIRE' }, 'max');
    await h.ask('emergency:acknowledge', { alertId }, 'kim');
    await assert.rejects(
      h.ask('emergency:resolve', { alertId }, 'pia'),
      { code: 'FORBIDDEN' },
      'audience, not acknowledger',
    );
    await assert.rejects(h.ask('emergency:resolve', { alertId }, 'eve'), { code: 'FORBIDDEN' });
    const { alert } = await h.ask<AlertResult>('emergency:resolve', { alertId, resolution: 'false alarm' }, 'kim');
    assert.deepEqual([alert.state, alert.resolvedBy, alert.resolution], ['resolved', 'kim', 'false alarm']);
    assert.ok(h.broadcaster.left('alert:max', 'alert:max'), 'nobody follows the location any more');
    assert.equal(h.broadcaster.all('emergency:resolved').length, 1);
    await assert.rejects(h.ask('emergency:resolve', { alertId }, 'max'), { code: 'CONFLICT' });
    await assert.rejects(h.ask('emergency:acknowledge', { alertId }, 'kim'), { code: 'CONFLICT' });

    const next = await h.ask<SosResult>('emergency:sos', { type: 'PANIC' }, 'max');
    assert.notEqual(next.alertId, alertId);
    const fromActive = await h.ask<AlertResult>('emergency:resolve', { alertId: next.alertId }, 'root', {
      role: 'admin',
    });
    assert.equal(fromActive.alert.state, 'resolved', 'resolve also from active');
    const audit = await h.db.alertAudit.findMany({ where: { alertId }, orderBy: { id: 'asc' } });
    assert.deepEqual(
      audit.map((a) => [a.action, a.actorId]),
      [
        ['triggered', 'max'],
        ['notified', null],
        ['notified', null],
        ['notified', null],
        ['acknowledged', 'kim'],
        ['resolved', 'kim'],
      ],
    );
    const types = (
      await h.db.webhookEvent.findMany({ where: { payload: { path: ['data', 'alert', 'alertId'], equals: alertId } } })
    ).map((w) => w.type);
    assert.deepEqual(types.sort(), ['emergency.acknowledged', 'emergency.resolved', 'emergency.triggered']);
  });

  test('a contact who connects while the alert is open gets it on session open, and joins its room', async () => {
    h.rooms.set('ada', [{ roomId: 'ada-home', memberIds: ['ada'], contacts: [{ phone: '+15559999' }] }]);
    const { alertId } = await h.ask<SosResult>('emergency:sos', { type: 'MEDICAL' }, 'ada');
    const late = h.ctx('late', { phone: '+15559999', socketId: 'sock-late' });
    assert.equal(await h.emergencies.alertsOnSessionOpen(late), 1);
    const sent = h.broadcaster.sentTo('sock-late', 'emergency:alert');
    assert.deepEqual(
      sent.map((a) => a.alertId),
      [alertId],
    );
    assert.ok(h.broadcaster.joined('sock-late', 'alert:ada'));
    assert.equal(await h.emergencies.alertsOnSessionOpen(h.ctx('eve', { phone: '+15550000', socketId: 's-eve' })), 0);
    await h.ask('emergency:resolve', { alertId }, 'ada');
    assert.equal(await h.emergencies.alertsOnSessionOpen(late), 0, 'a resolved alert is not announced');
  });

  test('on session open, a member of an activated room and a role the alert reached get it; the owner and strangers do not', async () => {
    h.rooms.set('bea', [{ roomId: 'bea-home', memberIds: ['bea', 'max'], contacts: [] }]);
    const { alertId } = await h.ask<SosResult>('emergency:sos', { type: 'MEDICAL' }, 'bea');
    assert.equal(await h.emergencies.alertsOnSessionOpen(h.ctx('max', { socketId: 's-max' })), 1, 'room member');
    assert.equal(await h.emergencies.alertsOnSessionOpen(h.ctx('bea', { socketId: 's-bea' })), 0, 'the owner');
    const guard = h.ctx('gil', { role: 'guard', socketId: 's-gil' });
    assert.equal(await h.emergencies.alertsOnSessionOpen(guard), 0, 'a role not reached yet');
    await h.db.alert.update({ where: { id: alertId }, data: { reachedRoles: ['guard'] } });
    assert.equal(await h.emergencies.alertsOnSessionOpen(guard), 1, 'a role the alert escalated to');
    await h.ask('emergency:resolve', { alertId }, 'bea');
  });

  test("a gateway's batch: one query finds who of the connecting users an open alert concerns", async () => {
    h.rooms.set('cyd', [{ roomId: 'cyd-home', memberIds: ['cyd', 'kit'], contacts: [{ phone: '+15557777' }] }]);
    const { alertId } = await h.ask<SosResult>('emergency:sos', { type: 'MEDICAL' }, 'cyd');
    const principal = (userId: string, extra: { role?: string; phone?: string } = {}) => ({
      userId,
      name: userId,
      role: extra.role ?? 'user',
      ...(extra.phone ? { phone: extra.phone } : {}),
    });
    const audience = await h.emergencies.audienceOfOpenAlerts([
      principal('kit'),
      principal('cyd'),
      principal('stranger'),
      principal('late-contact', { phone: '+15557777' }),
      principal('other-phone', { phone: '+15554321987' }),
    ]);
    assert.deepEqual([...audience].sort(), ['kit', 'late-contact'], 'a room member and a contact; not the owner');
    await h.ask('emergency:resolve', { alertId }, 'cyd');
    assert.deepEqual([...(await h.emergencies.audienceOfOpenAlerts([principal('kit')]))], [], 'resolved: nobody');
  });

  test('a geofence marked raisesAlert (presence) raises a SECURITY SOS as its user, through the same one-alert rule', async () => {
    h.rooms.set('guard', [{ roomId: 'site', memberIds: ['guard'], contacts: [{ phone: '+15558888' }] }]);
    const fence = {
      userId: 'guard',
      userName: 'Guard',
      geofenceId: 'g1',
      name: 'Vault',
      transition: 'entered',
      latitude: 5,
      longitude: 6,
    };
    const first = await h.ask<SosResult>('emergency:geofence', fence, 'system', { role: 'system' });
    assert.deepEqual(
      [first.alert.type, first.alert.userId, first.alert.userName, first.alert.message],
      ['SECURITY', 'guard', 'Guard', 'Geofence "Vault" entered'],
    );
    assert.deepEqual(first.alert.location, { latitude: 5, longitude: 6 });
    assert.deepEqual(first.activatedRooms, ['site']);
    const again = await h.ask<SosResult>('emergency:geofence', { ...fence, transition: 'left' }, 'system', {
      role: 'system',
    });
    assert.equal(again.alertId, first.alertId);
    await assert.rejects(h.ask('emergency:geofence', { ...fence, latitude: 100 }, 'system'), {
      code: 'INVALID_PAYLOAD',
    });
  });

  test('bad input is INVALID_PAYLOAD naming the field, and nothing is created', async () => {
    const before = await h.db.alert.count();
    await assert.rejects(h.ask('emergency:sos', { type: 'ALIENS' }, 'bad'), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'INVALID_PAYLOAD');
      assert.match(e.message, /type/);
      return true;
    });
    await assert.rejects(h.ask('emergency:sos', { type: 'PANIC', location: { latitude: 99, longitude: 0 } }, 'bad'), {
      code: 'INVALID_PAYLOAD',
    });
    await assert.rejects(h.ask('emergency:sos', null, 'bad'), { code: 'INVALID_PAYLOAD' });
    await assert.rejects(h.ask('emergency:acknowledge', { alertId: 42 }, 'bad'), { code: 'INVALID_PAYLOAD' });
    await assert.rejects(h.ask('emergency:resolve', { alertId: 'x', resolution: 'r'.repeat(3000) }, 'bad'), {
      code: 'INVALID_PAYLOAD',
    });
    assert.equal(await h.db.alert.count(), before);
  });
});
