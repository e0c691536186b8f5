import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GeofenceAlertPayload } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { type Harness, startHarness } from '../testing/harness.ts';

describe('geofences that raise an emergency alert', () => {
  let h: Harness;
  const raised: GeofenceAlertPayload[] = [];
  before(async () => {
    h = await startHarness({
      label: 'geofence_alerts',
      store: 'memory',
      env: { LOCATION_RATE_BURST: '1000' },
      notification: {
        'emergency:geofence': async (payload) => {
          raised.push(payload);
          const alert = {
            alertId: 'a1',
            userId: payload.userId,
            userName: payload.userName,
            type: 'SECURITY' as const,
            state: 'active' as const,
            level: 1,
            activatedRooms: [],
            createdAt: new Date().toISOString(),
          };
          return { alertId: 'a1', activatedRooms: [], alert };
        },
      },
    });
    h.rooms.set('guard', ['site']);
  });
  after(() => h.stop());

  const move = (userId: string, latitude: number) =>
    h.request('location:update', { latitude, longitude: 8, timestamp: new Date().toISOString() }, userId);
  const fence = (name: string, raisesAlert?: boolean) =>
    fetch(`${h.baseUrl}/geofences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token('boss', 'supervisor')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        kind: 'danger',
        roomId: 'site',
        ...(raisesAlert === undefined ? {} : { raisesAlert }),
        shape: { type: 'circle', center: { latitude: name === 'Vault' ? 50 : 51, longitude: 8 }, radiusMeters: 100 },
      }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { geofence: { raisesAlert: boolean } } }));

  test('a violation of a fence marked raisesAlert sends emergency:geofence with the user and the crossing; an unmarked fence does not', async () => {
    const marked = await fence('Vault', true);
    assert.deepEqual([marked.status, marked.body.geofence.raisesAlert], [201, true]);
    assert.equal((await fence('Yard')).body.geofence.raisesAlert, false);
    await move('guard', 49.99);
    await move('guard', 50); // into the vault: a violation of the marked fence
    await waitFor(() => raised.length === 1, { what: 'the alert request' });
    assert.deepEqual(
      { ...raised[0]!, geofenceId: '' },
      {
        userId: 'guard',
        userName: 'Name guard',
        geofenceId: '',
        name: 'Vault',
        transition: 'entered',
        latitude: 50,
        longitude: 8,
      },
    );
    await move('guard', 50.99);
    await move('guard', 51); // into the yard: a violation, but no alert
    await waitFor(() => h.events('geofence:violation').length === 2, { what: 'the second violation' });
    assert.equal(raised.length, 1);
  });

  test('raisesAlert must be a boolean', async () => {
    const res = await fetch(`${h.baseUrl}/geofences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token('boss', 'supervisor')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'X',
        kind: 'safe',
        roomId: 'site',
        raisesAlert: 'yes',
        shape: { type: 'circle', center: { latitude: 1, longitude: 1 }, radiusMeters: 5 },
      }),
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /raisesAlert/);
  });
});
