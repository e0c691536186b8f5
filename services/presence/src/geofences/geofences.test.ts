import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GeofenceViolationEvent } from '@switchboard/protocol';
import { type Harness, startHarness } from '../testing/harness.ts';

const M_PER_DEG = 111_195;
/** A fix `meters` north of (lat, lng). */
const north = (lat: number, lng: number, meters: number) => ({ latitude: lat + meters / M_PER_DEG, longitude: lng });

async function call(h: Harness, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${h.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('geofences', () => {
  let h: Harness;
  const move = (userId: string, p: { latitude: number; longitude: number }) =>
    h.request('location:update', { ...p, timestamp: new Date().toISOString() }, userId);
  const violations = (userId: string) =>
    h.events<GeofenceViolationEvent>('geofence:violation').filter((e) => e.data.userId === userId);

  before(async () => {
    h = await startHarness({ label: 'geofences', store: 'memory', env: { LOCATION_RATE_BURST: '1000' } });
    h.rooms.set('worker', ['site']);
    h.rooms.set('ranger', ['camp', 'hq']);
    h.rooms.set('stranger', []);
  });
  after(async () => {
    await h.stop();
  });

  const pit = { type: 'circle', center: { latitude: 50, longitude: 8 }, radiusMeters: 100 } as const;
  const park = {
    type: 'polygon',
    points: [
      { latitude: 48.0, longitude: 11.0 },
      { latitude: 48.0, longitude: 11.01 },
      { latitude: 48.01, longitude: 11.01 },
      { latitude: 48.01, longitude: 11.0 },
    ],
  } as const;

  test('fences are created by overseers, by users for themselves and for their rooms, and validated', async () => {
    const room = await call(h, 'POST', '/geofences', h.token('boss', 'supervisor'), {
      name: 'Pit',
      kind: 'danger',
      roomId: 'site',
      shape: pit,
    });
    assert.equal(room.status, 201);
    assert.equal(room.body.geofence.roomId, 'site');
    const own = await call(h, 'POST', '/geofences', h.token('ranger'), {
      name: 'Park',
      kind: 'safe',
      userId: 'ranger',
      shape: park,
    });
    assert.equal(own.status, 201);
    const foreign = await call(h, 'POST', '/geofences', h.token('stranger'), {
      name: 'X',
      kind: 'safe',
      roomId: 'site',
      shape: pit,
    });
    assert.deepEqual([foreign.status, foreign.body.code], [403, 'FORBIDDEN']);
    const both = await call(h, 'POST', '/geofences', h.token('boss', 'supervisor'), {
      name: 'X',
      kind: 'safe',
      roomId: 'site',
      userId: 'a',
      shape: pit,
    });
    assert.deepEqual([both.status, both.body.code], [400, 'INVALID_PAYLOAD']);
    const triangle = await call(h, 'POST', '/geofences', h.token('ranger'), {
      name: 'X',
      kind: 'safe',
      userId: 'ranger',
      shape: { type: 'polygon', points: park.points.slice(0, 2) },
    });
    assert.match(String(triangle.body.error), /^shape\.points/);

    const workerView = await call(h, 'GET', '/geofences', h.token('worker'));
    assert.deepEqual(
      workerView.body.geofences.map((g: { name: string }) => g.name),
      ['Pit'],
    );
    assert.deepEqual((await call(h, 'GET', '/geofences', h.token('stranger'))).body.geofences, []);
    assert.equal((await call(h, 'GET', '/geofences', h.token('boss', 'supervisor'))).body.geofences.length, 2);
  });

  test('entering a danger zone raises one violation per crossing despite jitter at the boundary', async () => {
    const { latitude: lat, longitude: lng } = pit.center;
    // Distance from the centre: outside, then jitter around the 100 m edge, then well inside.
    for (const d of [300, 105, 95, 102, 90, 50]) await move('worker', north(lat, lng, d));
    assert.equal(violations('worker').length, 1);
    for (const d of [95, 110, 85, 115, 60]) await move('worker', north(lat, lng, d));
    assert.equal(violations('worker').length, 1, 'jitter inside the margin is not a new crossing');
    await move('worker', north(lat, lng, 200));
    await move('worker', north(lat, lng, 40));
    const raised = violations('worker');
    assert.equal(raised.length, 2, 'leaving and coming back is a second crossing');
    assert.deepEqual(raised[0]?.targets, ['room:site', 'role:supervisor']);
    assert.deepEqual(
      { ...raised[0]?.data, latitude: 0, longitude: 0, timestamp: '', geofenceId: '' },
      {
        geofenceId: '',
        name: 'Pit',
        kind: 'danger',
        userId: 'worker',
        roomId: 'site',
        transition: 'entered',
        latitude: 0,
        longitude: 0,
        timestamp: '',
      },
    );
  });

  test("leaving a safe polygon raises one violation to the user's rooms and supervisors", async () => {
    await move('ranger', { latitude: 48.005, longitude: 11.005 });
    for (const d of [10, -5, 15, 60, 10, 70]) await move('ranger', north(48.0, 11.005, -d));
    const raised = violations('ranger');
    assert.equal(raised.length, 1);
    assert.equal(raised[0]?.data.transition, 'left');
    assert.deepEqual(raised[0]?.targets, ['room:camp', 'room:hq', 'role:supervisor']);
    assert.equal(violations('worker').length, 2, 'other users are unaffected');
  });

  test('a deleted fence raises nothing and only managers may delete', async () => {
    const list = await call(h, 'GET', '/geofences?roomId=site', h.token('boss', 'supervisor'));
    const id = list.body.geofences[0].id as string;
    assert.equal((await call(h, 'DELETE', `/geofences/${id}`, h.token('stranger'))).status, 403);
    assert.equal((await call(h, 'DELETE', `/geofences/${id}`, h.token('boss', 'supervisor'))).status, 200);
    assert.equal((await call(h, 'DELETE', `/geofences/${id}`, h.token('boss', 'supervisor'))).status, 404);
    await move('worker', north(50, 8, 300));
    await move('worker', north(50, 8, 0));
    assert.equal(violations('worker').length, 2);
  });
});
