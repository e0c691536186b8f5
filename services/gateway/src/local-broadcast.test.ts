// The gateway's own loop over local recipients (local-broadcast.ts): every broadcast still
// reaches each recipient once, events_out counts per recipient, and socket.io's other uses of
// the adapter (acks, fetchSockets, socketsJoin) are untouched.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { socketRooms } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import type { Server } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import { once, startTestGateway, type TestClient, type TestGateway, testMessage } from './test-harness.ts';

const eventsOut = async (gw: TestGateway, event: string) =>
  (await gw.metrics.eventsOut.get()).values.find((v) => v.labels.event === event)?.value ?? 0;

describe('broadcasts through the gateway loop', () => {
  let gw: TestGateway;
  let clients: TestClient[];
  const room = socketRooms.room('local-broadcast');
  before(async () => {
    gw = await startTestGateway({ handlers: { messaging: { 'session:open': async () => ({ rooms: [] }) } } });
    clients = ['a', 'b', 'c'].map((u) => gw.client(gw.token(u)));
    await Promise.all(clients.map((c) => once(c, 'connected')));
    for (const c of clients.slice(0, 2))
      await gw.gateway.io
        .of('/')
        .sockets.get(c.id ?? '')
        ?.join(room);
  });
  after(() => gw.close());

  test('each member gets a broadcast once, others none, and events_out counts each recipient', async () => {
    const got = clients.map(() => [] as number[]);
    clients.forEach((c, i) => {
      c.on('message:new', (m) => got[i]!.push(m.seq));
    });
    const before = await eventsOut(gw, 'message:new');
    for (let seq = 1; seq <= 5; seq++) gw.gateway.io.to(room).emit('message:new', testMessage({ seq }));
    await waitFor(() => got[0]!.length === 5 && got[1]!.length === 5, { what: 'both members to get 5' });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(got, [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], []]);
    assert.equal((await eventsOut(gw, 'message:new')) - before, 10, '5 broadcasts × 2 local recipients');
    // Direct emits are still counted per socket (onAnyOutgoing): one `connected` each.
    assert.equal(await eventsOut(gw, 'connected'), 3);
  });

  test('a broadcast that failed to encode leaves the next use of the adapter alone', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => gw.gateway.io.to(room).emit('message:new', circular as never));
    const members = await gw.gateway.io.in(room).fetchSockets();
    assert.equal(members.length, 2);
    gw.gateway.io.in(room).socketsJoin(socketRooms.room('joined-after'));
    assert.equal((await gw.gateway.io.in(socketRooms.room('joined-after')).fetchSockets()).length, 2);
  });

  test('a broadcast with acks is left to socket.io: every recipient answers', async () => {
    // An event outside the protocol, on untyped views of both ends: only the ack path matters.
    for (const c of clients)
      (c as unknown as ClientSocket).on('probe', (_: number, ack: (v: string) => void) => ack('ok'));
    const io = gw.gateway.io as unknown as Server;
    assert.deepEqual(await io.to(room).timeout(5000).emitWithAck('probe', 1), ['ok', 'ok']);
  });
});
