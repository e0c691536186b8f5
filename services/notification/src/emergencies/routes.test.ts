import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Alert, AlertAuditEntry } from '@switchboard/protocol';
import { type AlertsHarness, startAlertsHarness } from './testing/harness.ts';

describe('REST /api/alerts (Bearer JWT)', () => {
  let h: AlertsHarness;
  before(async () => {
    h = await startAlertsHarness({ label: 'alerts_rest' });
    h.rooms.set('ola', [{ roomId: 'home', memberIds: ['ola', 'kim'], contacts: [{ phone: '+15550501' }] }]);
  });
  after(() => h.stop());

  test('POST /alerts is an SOS: 201 with the alert; a second POST answers the same alert', async () => {
    const first = await h.rest<{ alertId: string; activatedRooms: string[]; alert: Alert }>(
      'POST',
      '/alerts',
      h.token('ola'),
      {
        type: 'PANIC',
        location: { latitude: 48.1, longitude: 11.5, accuracy: 5 },
      },
    );
    assert.equal(first.status, 201);
    assert.deepEqual(first.body.activatedRooms, ['home']);
    const second = await h.rest<{ alertId: string }>('POST', '/alerts', h.token('ola'), { type: 'FIRE' });
    assert.equal(second.body.alertId, first.body.alertId);
  });

  test('acknowledge and resolve answer 200 { alert }, 401 without a token, 403 for outsiders, 404 unknown, 409 once resolved', async () => {
    const { body } = await h.rest<{ alertId: string }>('POST', '/alerts', h.token('ola'), { type: 'MEDICAL' });
    const id = body.alertId;
    assert.equal((await h.rest('POST', `/alerts/${id}/acknowledge`)).status, 401);
    assert.equal((await h.rest('POST', `/alerts/${id}/acknowledge`, 'not-a-jwt')).status, 401);
    assert.equal((await h.rest('POST', `/alerts/${id}/acknowledge`, h.token('eve'))).status, 403);
    assert.equal((await h.rest('POST', '/alerts/no-such-alert/acknowledge', h.token('kim'))).status, 404);
    const contact = h.token('anon', { phone: '+15550501' });
    const acked = await h.rest<{ alert: Alert }>('POST', `/alerts/${id}/acknowledge`, contact);
    assert.deepEqual([acked.status, acked.body.alert.state], [200, 'acknowledged']);
    assert.equal(
      (await h.rest('POST', `/alerts/${id}/resolve`, h.token('kim'), {})).status,
      403,
      'audience, not acknowledger',
    );
    const resolved = await h.rest<{ alert: Alert }>('POST', `/alerts/${id}/resolve`, contact, { resolution: 'ok' });
    assert.deepEqual([resolved.status, resolved.body.alert.resolution], [200, 'ok']);
    assert.equal((await h.rest('POST', `/alerts/${id}/resolve`, h.token('ola'))).status, 409);
    assert.equal((await h.rest('POST', `/alerts/${id}/acknowledge`, h.token('kim'))).status, 409);
  });

  test('GET /alerts/:id answers the alert and its full audit to the audience; GET /alerts?state= lists what the caller may see', async () => {
    const open = await h.rest<{ alertId: string }>('POST', '/alerts', h.token('ola'), { type: 'GENERAL' });
    const id = open.body.alertId;
    const read = await h.rest<{ alert: Alert; audit: AlertAuditEntry[] }>('GET', `/alerts/${id}`, h.token('kim'));
    assert.equal(read.status, 200);
    assert.equal(read.body.alert.alertId, id);
    assert.deepEqual(
      read.body.audit.map((a) => [a.action, a.actorId ?? null, a.level ?? null]),
      [
        ['triggered', 'ola', 1],
        ['notified', null, 1],
      ],
    );
    assert.equal((await h.rest('GET', `/alerts/${id}`, h.token('eve'))).status, 403);
    assert.equal((await h.rest('GET', '/alerts/nope', h.token('kim'))).status, 404);
    assert.equal((await h.rest('GET', `/alerts/${id}`)).status, 401);

    const active = await h.rest<{ alerts: Alert[] }>('GET', '/alerts?state=active', h.token('kim'));
    assert.deepEqual(
      active.body.alerts.map((a) => a.alertId),
      [id],
    );
    const all = await h.rest<{ alerts: Alert[] }>('GET', '/alerts', h.token('ola'));
    assert.equal(
      all.body.alerts.length,
      2,
      'the user sees every alert of theirs (the first was resolved), newest first',
    );
    assert.equal(all.body.alerts[0]!.alertId, id);
    assert.deepEqual((await h.rest<{ alerts: Alert[] }>('GET', '/alerts', h.token('eve'))).body.alerts, []);
    const admin = await h.rest<{ alerts: Alert[] }>(
      'GET',
      '/alerts?state=resolved',
      h.token('root', { role: 'admin' }),
    );
    assert.equal(admin.body.alerts.length, 1);
  });

  test('bad input is 400 naming the field, and creates nothing', async () => {
    const before = await h.db.alert.count();
    const bad = await h.rest<{ code: string; error: string }>('POST', '/alerts', h.token('bad'), { type: 'ALIENS' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'INVALID_PAYLOAD');
    assert.match(bad.body.error, /type/);
    const far = await h.rest<{ error: string }>('POST', '/alerts', h.token('bad'), {
      type: 'PANIC',
      location: { latitude: 1, longitude: 500 },
    });
    assert.equal(far.status, 400);
    assert.match(far.body.error, /longitude/);
    assert.equal((await h.rest('GET', '/alerts?state=open', h.token('bad'))).status, 400);
    assert.equal((await h.rest('POST', `/alerts/${'x'.repeat(200)}/acknowledge`, h.token('bad'))).status, 400);
    assert.equal(
      (await h.rest('POST', '/alerts/abc/resolve', h.token('bad'), { resolution: 'r'.repeat(2001) })).status,
      400,
    );
    assert.equal(await h.db.alert.count(), before);
  });
});
