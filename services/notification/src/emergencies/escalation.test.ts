import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Alert, SosResult } from '@switchboard/protocol';
import { createTestDatabase, sleep, type TestDatabase, waitFor } from '@switchboard/testkit';
import { type AlertsHarness, startAlertsHarness } from './testing/harness.ts';

describe('escalation on durable timers', () => {
  // One database; each test stops its harnesses, so no other test's workers take its timers.
  let database: TestDatabase;
  let harnesses: AlertsHarness[] = [];
  before(async () => {
    database = await createTestDatabase('alerts_escalation');
  });
  afterEach(async () => {
    await Promise.all(harnesses.map((h) => h.stop()));
    harnesses = [];
  });
  after(() => database.drop());
  const start = async (escalation: string, replicas = 1) => {
    const h = await startAlertsHarness({ label: 'alerts_escalation', database, escalation, replicas });
    harnesses.push(h);
    return h;
  };
  const escalations = (h: AlertsHarness, alertId: string) =>
    h.broadcaster.all('emergency:escalated').filter((e) => (e.data as Alert).alertId === alertId);

  test('an unacknowledged alert escalates to each role at its delay, in order, audited, to the new role and everyone alerted', async () => {
    const h = await start('300:supervisor,600:admin');
    h.rooms.set('ola', [{ roomId: 'home', memberIds: ['ola'], contacts: [{ phone: '+15550101' }] }]);
    const { alertId } = await h.ask<SosResult>('emergency:sos', { type: 'SECURITY' }, 'ola');
    await waitFor(() => escalations(h, alertId).length === 2, { timeoutMs: 30_000, what: 'two escalations' });
    const [first, second] = escalations(h, alertId);
    assert.deepEqual([(first!.data as Alert).level, (second!.data as Alert).level], [2, 3]);
    assert.ok(first!.targets.includes('role:supervisor') && first!.targets.includes('phone:+15550101'));
    assert.ok(first!.targets.includes('alert:ola') && first!.targets.includes('room:home'));
    assert.ok(second!.targets.includes('role:admin') && second!.targets.includes('role:supervisor'));
    assert.ok(h.broadcaster.joined('role:supervisor', 'alert:ola'), 'the new level follows the alert room');

    const row = await h.db.alert.findUniqueOrThrow({ where: { id: alertId } });
    assert.deepEqual([row.level, row.reachedRoles], [3, ['supervisor', 'admin']]);
    const audit = await h.db.alertAudit.findMany({ where: { alertId, action: 'escalated' }, orderBy: { id: 'asc' } });
    assert.deepEqual(
      audit.map((a) => [a.level, (a.detail as { role: string }).role]),
      [
        [2, 'supervisor'],
        [3, 'admin'],
      ],
    );
    assert.equal(await h.db.durableTimer.count({ where: { key: { startsWith: `${alertId}:` } } }), 0);
    // A supervisor may now see and acknowledge it.
    const { alert } = await h.ask<{ alert: Alert }>('emergency:acknowledge', { alertId }, 'sup', {
      role: 'supervisor',
    });
    assert.equal(alert.state, 'acknowledged');
  });

  test('acknowledging before the first delay stops escalation: no level fires', async () => {
    const h = await start('800:supervisor');
    h.rooms.set('bo', [{ roomId: 'bo-home', memberIds: ['bo', 'kim'], contacts: [] }]);
    const { alertId } = await h.ask<SosResult>('emergency:sos', { type: 'PANIC' }, 'bo');
    await h.ask('emergency:acknowledge', { alertId }, 'kim');
    await sleep(1600); // twice the delay: absence can only be seen by waiting past the due time
    assert.equal(escalations(h, alertId).length, 0);
    assert.equal((await h.db.alert.findUniqueOrThrow({ where: { id: alertId } })).level, 1);
  });

  test('the policy is snapshotted: a worker with another EMERGENCY_ESCALATION fires the alert’s own steps', async () => {
    const creator = await start('500:guard');
    const { alertId } = await creator.ask<SosResult>('emergency:sos', { type: 'FIRE' }, 'cy');
    await Promise.all(creator.instances.map((e) => e.close())); // the creating replica stops before the step
    const other = await start('999999:admin');
    await waitFor(() => escalations(other, alertId).length === 1, { timeoutMs: 30_000, what: 'the snapshotted step' });
    assert.equal((await other.db.alert.findUniqueOrThrow({ where: { id: alertId } })).reachedRoles[0], 'guard');
  });

  test('two replicas racing on 40 alerts with two overdue steps each fire every step exactly once, in level order', async () => {
    const h = await start('100:supervisor,150:admin', 2);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++)
      ids.push((await h.ask<SosResult>('emergency:sos', { type: 'GENERAL' }, `race-${i}`)).alertId);
    await waitFor(
      async () =>
        (await h.db.durableTimer.count({ where: { key: { in: ids.flatMap((id) => [`${id}:2`, `${id}:3`]) } } })) === 0,
      {
        timeoutMs: 120_000,
        what: 'every step fired',
      },
    );
    const audit = await h.db.alertAudit.findMany({
      where: { alertId: { in: ids }, action: 'escalated' },
      orderBy: { id: 'asc' },
    });
    assert.equal(audit.length, 80, 'no step fired twice, none skipped');
    for (const id of ids) {
      assert.deepEqual(
        audit.filter((a) => a.alertId === id).map((a) => a.level),
        [2, 3],
        `levels of ${id} in order`,
      );
    }
    assert.equal(
      h.broadcaster.all('emergency:escalated').filter((e) => ids.includes((e.data as Alert).alertId)).length,
      80,
    );
  });
});
