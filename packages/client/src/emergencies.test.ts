// The SDK's emergency helpers against a real Switchboard in this process: gateway, messaging and
// the notification service on a MemoryBus and a fresh database, clients over real websockets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { service as messaging } from '@switchboard/messaging';
import { service as notification } from '@switchboard/notification';
import { waitFor } from '@switchboard/testkit';
import { type AlertEventKind, EmergencyAlerts } from './index.ts';
import { type LocalSwitchboard, startLocalSwitchboard } from './testing/local-switchboard.ts';

describe('EmergencyAlerts (SDK) against a running Switchboard', () => {
  let switchboard: LocalSwitchboard;

  before(async () => {
    switchboard = await startLocalSwitchboard(
      'emergency',
      [messaging, notification],
      // A write limit of 2 per window: SOS must pass it anyway.
      { RATE_LIMIT_WRITE: '2' },
    );
  });

  after(() => switchboard.close());

  async function user(userId: string, phone?: string) {
    const client = await switchboard.connect(userId, phone ? { phone } : {});
    const alerts = new EmergencyAlerts(client);
    const seen: AlertEventKind[] = [];
    alerts.onEvent((_alert, kind) => seen.push(kind));
    return { client, alerts, seen };
  }

  test('SOS reaches the contact by phone; acknowledge and resolve fold into every device’s state; presses past the write limit are absorbed', async () => {
    const owner = await user('sdk-owner');
    const contact = await user('sdk-contact', '+44 20 7946 0101');
    const stranger = await user('sdk-stranger', '+44 20 7946 0999');
    await owner.client.createRoom({ type: 'emergency', emergencyContacts: ['+442079460101'] });

    const presses = await Promise.all(
      Array.from({ length: 6 }, () => owner.alerts.sos({ type: 'PANIC', message: 'help' })),
    );
    assert.equal(new Set(presses.map((p) => p.alertId)).size, 1, 'six presses past a write limit of 2: one alert');
    const { alertId } = presses[0]!;
    await waitFor(() => contact.alerts.get(alertId)?.state === 'active', { what: 'the contact alerted' });
    assert.ok(contact.seen.includes('alert'));

    const acknowledged = await contact.alerts.acknowledge(alertId);
    assert.equal(acknowledged.acknowledgedBy, 'sdk-contact');
    await waitFor(() => owner.alerts.get(alertId)?.state === 'acknowledged', { what: 'acknowledged on the owner' });

    await assert.rejects(stranger.alerts.acknowledge(alertId), { code: 'FORBIDDEN' });
    await owner.alerts.resolve(alertId, 'all good');
    await waitFor(() => contact.alerts.get(alertId)?.state === 'resolved', { what: 'resolved on the contact' });
    assert.deepEqual(contact.alerts.open(), []);
    assert.equal(contact.alerts.get(alertId)?.resolution, 'all good');
    assert.equal(stranger.seen.length, 0, 'the stranger heard nothing');
    await assert.rejects(owner.alerts.sos({ type: 'NOPE' as 'PANIC' }), { code: 'INVALID_PAYLOAD' });
  });
});
