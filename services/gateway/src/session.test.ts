import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type ActivitiesPayload,
  type GatewayHeartbeatPayload,
  type RequestContext,
  socketRooms,
} from '@switchboard/protocol';
import { sleep, waitFor } from '@switchboard/testkit';
import { once, startTestGateway, type TestGateway } from './test-harness.ts';

interface Seen {
  command: string;
  payload: unknown;
  ctx: RequestContext;
}

describe('sessions', () => {
  let gw: TestGateway;
  const presence: Seen[] = [];
  const record = (command: string) => async (payload: unknown, ctx: RequestContext) => {
    presence.push({ command, payload, ctx });
    return {};
  };

  before(async () => {
    gw = await startTestGateway({
      // A short offline bound makes the heartbeat frequent enough to observe.
      env: { PRESENCE_OFFLINE_AFTER_MS: '300' },
      handlers: {
        messaging: {
          'session:open': async (_payload, ctx) => ({
            rooms: ctx.userId === 'alice' ? ['r1', 'r2'] : [],
            unread: { r1: 3 },
          }),
        },
        presence: {
          'session:open': record('session:open'),
          'session:close': record('session:close'),
          'gateway:heartbeat': record('gateway:heartbeat'),
          'presence:activity': record('presence:activity'),
        },
      },
    });
  });
  after(() => gw.close());

  test('connected carries user, socket, gateway, the rooms from session:open and unread counts', async () => {
    const client = gw.client(gw.token('alice'));
    const connected = await once(client, 'connected');
    assert.match(String(connected.expiresAt), /^\d{4}-\d\d-\d\dT/, 'the token expiry');
    assert.deepEqual(
      { ...connected, expiresAt: undefined },
      {
        expiresAt: undefined,
        userId: 'alice',
        socketId: client.id,
        serverId: 'gw-test',
        rooms: ['r1', 'r2'],
        unread: { r1: 3 },
      },
    );
    const socket = gw.gateway.io.of('/').sockets.get(client.id!)!;
    for (const room of [
      socketRooms.user('alice'),
      socketRooms.role('user'),
      socketRooms.room('r1'),
      socketRooms.room('r2'),
    ]) {
      assert.ok(socket.rooms.has(room), `socket is in ${room}`);
    }
  });

  test('presence hears the session open and close with socket and gateway ids', async () => {
    const client = gw.client(gw.token('carol'));
    await once(client, 'connected');
    const socketId = client.id!;
    const opened = await waitFor(() => presence.find((s) => s.command === 'session:open' && s.ctx.userId === 'carol'));
    assert.deepEqual(opened.payload, { socketId, gatewayId: 'gw-test' });
    client.disconnect();
    const closed = await waitFor(() => presence.find((s) => s.command === 'session:close' && s.ctx.userId === 'carol'));
    assert.deepEqual(closed.payload, { socketId, gatewayId: 'gw-test' });
  });

  test('heartbeats list the local sockets', async () => {
    const client = gw.client(gw.token('dave'));
    await once(client, 'connected');
    const beat = await waitFor(() =>
      presence.find(
        (s) =>
          s.command === 'gateway:heartbeat' && (s.payload as GatewayHeartbeatPayload).socketIds.includes(client.id!),
      ),
    );
    const payload = beat.payload as GatewayHeartbeatPayload;
    assert.equal(payload.gatewayId, 'gw-test');
    assert.equal(payload.intervalMs, 100);
    assert.ok(payload.sockets?.some((s) => s.socketId === client.id && s.userId === 'dave'));
  });
});

describe('sessions without messaging', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ env: { BUS_TIMEOUT_MS: '200' } });
  });
  after(() => gw.close());

  test('the client is still connected, with no rooms, when messaging does not answer', async () => {
    const client = gw.client(gw.token('erin'));
    const connected = await once(client, 'connected');
    const { expiresAt: _expiry, ...rest } = connected;
    assert.deepEqual(rest, { userId: 'erin', socketId: client.id, serverId: 'gw-test', rooms: [] });
  });
});

describe('activity reports', () => {
  let gw: TestGateway;
  const reports: { payload: ActivitiesPayload; ctx: RequestContext }[] = [];
  const THROTTLE_MS = 150;

  before(async () => {
    gw = await startTestGateway({
      activityThrottleMs: THROTTLE_MS,
      activityWindowMs: 100,
      handlers: {
        messaging: { 'session:open': async () => ({ rooms: [] }) },
        presence: {
          'presence:activities': async (payload: ActivitiesPayload, ctx: RequestContext) => {
            reports.push({ payload, ctx });
            return {};
          },
        },
      },
    });
  });
  after(() => gw.close());

  test('the users whose sockets spoke within a window reach presence as one entry, each user once', async () => {
    const sockets = [gw.client(gw.token('ann')), gw.client(gw.token('ann')), gw.client(gw.token('ben'))];
    await Promise.all(sockets.map((s) => once(s, 'connected')));
    // Connecting counts as activity: speaking at once reports nothing.
    for (const s of sockets) s.emit('typing:start', { roomId: 'not-joined' });
    await sleep(THROTTLE_MS + 50);
    assert.equal(reports.length, 0, 'no report within a throttle window of connect');
    for (const s of sockets) s.emit('typing:start', { roomId: 'not-joined' });
    const [report] = await waitFor(() => (reports.length > 0 ? reports : undefined));
    assert.equal(report?.payload.gatewayId, 'gw-test');
    assert.deepEqual([...(report?.payload.userIds ?? [])].sort(), ['ann', 'ben']);
    assert.equal(report?.ctx.role, 'system', 'sent as the gateway, not as one of the users');
    await sleep(150);
    assert.equal(reports.length, 1, 'one entry for the window');
    for (const s of sockets) s.close();
  });
});
