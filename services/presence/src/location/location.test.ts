import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LocationEvent, LocationUpdateResult } from '@switchboard/protocol';
import { testLogger } from '@switchboard/testkit';
import { type Harness, startHarness } from '../testing/harness.ts';
import { startRetention } from './retention.ts';

const fix = (overrides: Record<string, unknown> = {}) => ({
  latitude: 52.52,
  longitude: 13.405,
  accuracy: 8,
  timestamp: new Date().toISOString(),
  battery: 80,
  ...overrides,
});

async function post(h: Harness, path: string, body: unknown, token?: string, raw = false) {
  const res = await fetch(`${h.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ? String(body) : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(h: Harness, path: string, token: string) {
  const res = await fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('location', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      label: 'location',
      store: 'redis',
      env: { LOCATION_RATE_INTERVAL_MS: '60000', LOCATION_RATE_BURST: '3' },
    });
    h.rooms.set('walker', ['site-a', 'site-b']);
    h.rooms.set('colleague', ['site-b']);
    h.rooms.set('stranger', ['elsewhere']);
  });
  after(async () => {
    await h.stop();
  });

  test("a REST upload reaches the user's rooms, supervisors and their open alert's audience only", async () => {
    const { status, body } = await post(h, '/location', fix(), h.token('walker'));
    assert.equal(status, 200);
    assert.equal(body.success, true);
    assert.deepEqual(body.rooms, ['site-a', 'site-b']);
    assert.equal(typeof body.timestamp, 'string');
    const sent = h.events<LocationEvent>('location:update');
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]?.targets, ['room:site-a', 'room:site-b', 'role:supervisor', 'alert:walker']);
    assert.deepEqual(
      { ...sent[0]?.data, timestamp: 'x' },
      {
        userId: 'walker',
        name: 'Name walker',
        latitude: 52.52,
        longitude: 13.405,
        accuracy: 8,
        battery: 80,
        timestamp: 'x',
      },
    );
  });

  test('a socket upload over the bus does the same and acks the rooms', async () => {
    const ack = await h.request<LocationUpdateResult>(
      'location:update',
      fix({ accuracy: undefined, battery: undefined }),
      'colleague',
    );
    assert.deepEqual(ack, { rooms: ['site-b'] });
    const last = h.events<LocationEvent>('location:update').at(-1);
    assert.deepEqual(last?.targets, ['room:site-b', 'role:supervisor', 'alert:colleague']);
    assert.equal(last?.data.accuracy, null);
    assert.equal('battery' in (last?.data ?? {}), false);
  });

  test('bad input is refused naming the field', async () => {
    const token = h.token('colleague');
    const cases: [unknown, RegExp][] = [
      [fix({ latitude: 91 }), /^latitude/],
      [fix({ timestamp: undefined }), /^timestamp/],
      [fix({ timestamp: new Date(Date.now() + 3600_000).toISOString() }), /^timestamp: is in the future/],
      [fix({ battery: 101 }), /^battery/],
      [fix({ longitude: 'east' }), /^longitude/],
    ];
    for (const [body, error] of cases) {
      const res = await post(h, '/location', body, token);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'INVALID_PAYLOAD');
      assert.match(String(res.body.error), error);
    }
    const notJson = await post(h, '/location', '{"latitude":', token, true);
    assert.deepEqual([notJson.status, notJson.body.code], [400, 'INVALID_PAYLOAD']);
    await assert.rejects(h.request('location:update', fix({ latitude: -91 }), 'colleague'), {
      code: 'INVALID_PAYLOAD',
    });
  });

  test('an upload without a token is 401', async () => {
    const res = await post(h, '/location', fix());
    assert.deepEqual([res.status, res.body.success, res.body.code], [401, false, 'UNAUTHENTICATED']);
    const bad = await post(h, '/location', fix(), 'not-a-jwt');
    assert.equal(bad.status, 401);
  });

  test('uploads past the per-user burst are rate limited with 429', async () => {
    const token = h.token('sprinter');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(h, '/location', fix(), token)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const refused = await post(h, '/location', fix(), token);
    assert.equal(refused.body.code, 'RATE_LIMITED');
    await assert.rejects(h.request('location:update', fix(), 'sprinter'), { code: 'RATE_LIMITED' });
    assert.equal((await post(h, '/location', fix(), h.token('someone-else'))).status, 200, 'the limit is per user');
  });

  test('history is visible to the user, overseers and room mates, and no one else', async () => {
    const since = new Date(Date.now() - 3600_000).toISOString();
    const path = `/location/history?userId=walker&since=${encodeURIComponent(since)}`;
    const own = await get(h, path, h.token('walker'));
    assert.equal(own.status, 200);
    assert.equal((own.body.locations as unknown[]).length, 1);
    assert.equal((await get(h, path, h.token('colleague'))).status, 200, 'shares site-b');
    assert.equal((await get(h, path, h.token('boss', 'supervisor'))).status, 200);
    assert.equal((await get(h, path, h.token('root', 'admin'))).status, 200);
    const denied = await get(h, path, h.token('stranger'));
    assert.deepEqual([denied.status, denied.body.code], [403, 'FORBIDDEN']);
    const old = await get(
      h,
      `/location/history?userId=walker&since=${encodeURIComponent(new Date(Date.now() + 30_000).toISOString())}`,
      h.token('walker'),
    );
    assert.deepEqual(old.body.locations, []);
  });

  test('history answers the newest samples, oldest first, and says when older ones were left out', async () => {
    const token = h.token('trail');
    const times = [3, 2, 1].map((minutes) => new Date(Date.now() - minutes * 60_000).toISOString());
    for (const timestamp of times) assert.equal((await post(h, '/location', fix({ timestamp }), token)).status, 200);
    const page = await get(h, '/location/history?limit=2', token);
    assert.equal(page.status, 200);
    assert.deepEqual(
      (page.body.locations as { timestamp: string }[]).map((l) => l.timestamp),
      times.slice(1),
    );
    assert.equal(page.body.hasMore, true);
    const all = await get(h, '/location/history?limit=3', token);
    assert.equal(all.body.hasMore, false);
  });

  test('a NUL character anywhere is refused with 400 naming the field, not a database error', async () => {
    const res = await post(h, '/location', { ...fix(), 'x\u0000': 1 }, h.token('nul-user'));
    assert.equal(res.status, 200, 'unknown keys are dropped before the check');
    const bad = await get(h, '/location/history?userId=a%00b', h.token('nul-user'));
    assert.deepEqual(
      [bad.status, bad.body.code, bad.body.error],
      [400, 'INVALID_PAYLOAD', 'userId: must not contain NUL characters'],
    );
  });

  test('with messaging down, uploads still reach supervisors and history access fails closed', async () => {
    h.messaging.up = false;
    try {
      const res = await post(h, '/location', fix(), h.token('lonely'));
      assert.deepEqual([res.status, res.body.rooms], [200, []]);
      assert.deepEqual(h.events('location:update').at(-1)?.targets, ['role:supervisor', 'alert:lonely']);
      const denied = await get(h, '/location/history?userId=walker', h.token('colleague'));
      assert.equal(denied.status, 503);
    } finally {
      h.messaging.up = true;
    }
  });

  test('retention deletes history older than the configured days and keeps the rest', async () => {
    const old = new Date(Date.now() - 8 * 24 * 3600_000);
    await h.db.locationSample.create({ data: { userId: 'archivist', latitude: 1, longitude: 1, recordedAt: old } });
    await h.db.locationSample.create({
      data: { userId: 'archivist', latitude: 2, longitude: 2, recordedAt: new Date() },
    });
    const stop = startRetention(h.db, testLogger(), 7);
    await stop();
    const left = await h.db.locationSample.findMany({ where: { userId: 'archivist' } });
    assert.deepEqual(
      left.map((r) => r.latitude),
      [2],
    );
  });
});
