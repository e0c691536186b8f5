import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TypingEvent } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { once, request, startTestGateway, type TestClient, type TestGateway } from './test-harness.ts';

// Long, so that every stop seen in a test comes from the behaviour under test, not the timer;
// the automatic stop has its own gateway with a short timer below.
const LONG_AUTO_STOP_MS = 60_000;

describe('typing fast path', () => {
  let gw: TestGateway;
  const members = new Set(['alice', 'bob']);
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  const seen = new Map<string, { event: string; data: TypingEvent }[]>();

  function watch(name: string, socket: TestClient): void {
    const list: { event: string; data: TypingEvent }[] = [];
    seen.set(name, list);
    socket.on('typing:start', (data) => list.push({ event: 'start', data }));
    socket.on('typing:stop', (data) => list.push({ event: 'stop', data }));
  }
  /** A round trip on the socket: whatever was emitted to it before has arrived. */
  const settle = (socket: TestClient) => request(socket, 'message:history', { roomId: 'r1' });

  before(async () => {
    gw = await startTestGateway({
      typingAutoStopMs: LONG_AUTO_STOP_MS,
      handlers: {
        messaging: {
          'session:open': async (_payload, ctx) => ({ rooms: members.has(ctx.userId) ? ['r1'] : [] }),
          'message:history': async () => ({ messages: [], hasMore: false }),
        },
      },
    });
    alice = gw.client(gw.token('alice'));
    bob = gw.client(gw.token('bob'));
    carol = gw.client(gw.token('carol'));
    await Promise.all([once(alice, 'connected'), once(bob, 'connected'), once(carol, 'connected')]);
    watch('alice', alice);
    watch('bob', bob);
    watch('carol', carol);
  });
  after(() => gw.close());

  test('typing reaches the other member only, and stops', async () => {
    alice.emit('typing:start', { roomId: 'r1' });
    await waitFor(() => seen.get('bob')!.length === 1, { what: 'bob to see alice typing' });
    assert.deepEqual(seen.get('bob'), [{ event: 'start', data: { roomId: 'r1', userId: 'alice' } }]);
    alice.emit('typing:stop', { roomId: 'r1' });
    await waitFor(() => seen.get('bob')!.length === 2, { what: 'bob to see alice stop' });
    assert.deepEqual(seen.get('bob')![1], { event: 'stop', data: { roomId: 'r1', userId: 'alice' } });
    await Promise.all([settle(alice), settle(carol)]);
    assert.deepEqual(seen.get('alice'), [], 'the sender does not hear itself');
    assert.deepEqual(seen.get('carol'), [], 'a non-member hears nothing');
    seen.get('bob')!.length = 0;
  });

  test('a non-member cannot type into a room, and bad payloads are dropped', async () => {
    carol.emit('typing:start', { roomId: 'r1' });
    (carol.emit as (event: string, payload: unknown) => void)('typing:start', null);
    (alice.emit as (event: string, payload: unknown) => void)('typing:start', { roomId: 42 });
    (alice.emit as (event: string, payload: unknown) => void)('typing:start', 'r1');
    await Promise.all([settle(carol), settle(alice)]);
    await settle(bob);
    assert.deepEqual(seen.get('bob'), []);
  });

  test('a socket that disconnects while typing stops typing', async () => {
    alice.emit('typing:start', { roomId: 'r1' });
    await waitFor(() => seen.get('bob')!.length === 1, { what: 'start' });
    alice.disconnect();
    await waitFor(() => seen.get('bob')!.length === 2, { what: 'stop on disconnect' });
    assert.deepEqual(seen.get('bob')![1], { event: 'stop', data: { roomId: 'r1', userId: 'alice' } });
  });
});

describe('typing auto-stop', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({
      typingAutoStopMs: 200,
      handlers: { messaging: { 'session:open': async () => ({ rooms: ['r1'] }) } },
    });
  });
  after(() => gw.close());

  test('a typing indicator without a fresh start stops on its own', async () => {
    const alice = gw.client(gw.token('alice'));
    const bob = gw.client(gw.token('bob'));
    await Promise.all([once(alice, 'connected'), once(bob, 'connected')]);
    const events: string[] = [];
    bob.on('typing:start', () => events.push('start'));
    bob.on('typing:stop', (data) => events.push(`stop ${data.userId} ${data.roomId}`));
    alice.emit('typing:start', { roomId: 'r1' });
    await waitFor(() => events.length === 2, { what: 'the automatic stop' });
    assert.deepEqual(events, ['start', 'stop alice r1']);
  });
});
