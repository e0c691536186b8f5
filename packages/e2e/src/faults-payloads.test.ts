// Fault (c): oversized, malformed and hostile payloads sent through nginx to the cluster get clear
// INVALID_PAYLOAD acks (or, past the size limit, a closed connection), and the server keeps
// serving everybody else correctly afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, type SwitchboardClient } from '@switchboard/client';
import type { Message } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { waitFor } from '@switchboard/testkit';
import { connectClient, type E2eClient } from './client.ts';
import { type RunningCluster, startCluster } from './cluster-harness.ts';

/** `{"__proto__": …}` as an own key, the way JSON.parse (and so the server's parser) builds it. */
const pollution = (extra: Record<string, unknown>) =>
  Object.assign(
    JSON.parse(
      '{"__proto__": {"polluted": "yes", "isAdmin": true}, "constructor": {"prototype": {"polluted": "yes"}}}',
    ),
    extra,
  );

/** JSON text nested `depth` objects deep (socket.io-client cannot even encode this: it recurses). */
const nestedJson = (depth: number) => `${'{"a":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;

let rawAckId = 900_000;
/**
 * Emit a request as raw Socket.IO frame text, bypassing the client's encoder the way a hostile
 * client would, and resolve with the ack (registered in socket.io-client's ack table).
 */
function rawRequest(client: E2eClient, event: string, payloadJson: string): Promise<Record<string, unknown>> {
  const id = ++rawAckId;
  const socket = client.socket as unknown as {
    acks: Record<number, (...args: unknown[]) => void>;
    io: { engine: { write(data: string): void } };
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack to raw ${event}`)), 10_000);
    socket.acks[id] = (response) => {
      clearTimeout(timer);
      resolve(response as Record<string, unknown>);
    };
    socket.io.engine.write(`2${id}[${JSON.stringify(event)},${payloadJson}]`);
  });
}

describe('hostile payloads through nginx', () => {
  let cluster: RunningCluster;
  const raws: E2eClient[] = [];
  const sdks: SwitchboardClient[] = [];
  const token = (userId: string) => signToken(cluster.jwtSecret, userId, { name: userId });
  const raw = async (userId: string, transports: ('polling' | 'websocket')[] = ['websocket']) => {
    const client = await connectClient(cluster.url, token(userId), { transports, reconnection: false });
    raws.push(client);
    return client;
  };

  before(async () => {
    cluster = await startCluster({ gateways: 2 });
  });

  after(async () => {
    for (const client of raws) client.close();
    for (const client of sdks) client.close();
    await cluster?.stop();
  });

  test('malformed payloads of every kind are answered INVALID_PAYLOAD naming the problem', async () => {
    const mallory = await raw('mallory-1');
    const { room } = (await mallory.request('room:create', { type: 'group', name: 'target' })) as unknown as {
      room: { id: string };
    };
    const cases: Array<[string, unknown, RegExp]> = [
      ['message:send', 'just a string', /object/i],
      ['message:send', ['an', 'array'], /object/i],
      ['message:send', 42, /object/i],
      ['message:send', null, /object/i],
      ['message:send', { roomId: 123, content: 'wrong type' }, /roomId/],
      ['message:send', { roomId: room.id, content: 12 }, /content/i],
      ['message:send', { roomId: room.id, content: 'x'.repeat(200_000) }, /content/i],
      ['message:send', { roomId: 'r'.repeat(100_000), content: 'long id' }, /roomId/],
      [
        'message:send',
        { roomId: room.id, content: 'x', attachments: [{ name: 'a', type: 't', size: -1, url: 'nope' }] },
        /attachments/,
      ],
      ['room:create', { type: 'castle' }, /type/],
      ['room:create', { type: 'group', memberIds: 'everyone' }, /memberIds/],
      ['message:history', { roomId: room.id, limit: 1e9 }, /limit/],
      ['sync', { rooms: 'all of them' }, /rooms/],
      ['sync', { rooms: { [room.id]: -5 } }, /rooms/],
      ['no:such:event', { roomId: room.id }, /unknown event/i],
    ];
    for (const [event, payload, expected] of cases) {
      const ack = await mallory.request(event as 'message:send', payload);
      assert.equal(ack.success, false, `${event} ${JSON.stringify(payload)?.slice(0, 80)} was accepted`);
      if (ack.success) continue;
      assert.equal(ack.code, 'INVALID_PAYLOAD', `${event}: ${ack.error}`);
      assert.match(ack.error, expected, `${event}: ${ack.error}`);
    }
    const deep = await rawRequest(
      mallory,
      'message:send',
      `{"roomId":${JSON.stringify(room.id)},"content":${nestedJson(10_000)}}`,
    );
    assert.equal(deep.code, 'INVALID_PAYLOAD', JSON.stringify(deep));
    assert.match(String(deep.error), /content/i);
    const deepRoot = await rawRequest(mallory, 'room:create', nestedJson(10_000));
    assert.equal(deepRoot.code, 'INVALID_PAYLOAD', JSON.stringify(deepRoot));
    // The same socket is still served after all of that.
    const ok = await mallory.request('message:send', { roomId: room.id, content: 'still here' });
    assert.equal(ok.success, true, JSON.stringify(ok));
  });

  test('prototype-pollution keys are inert: nothing is polluted and access control still holds', async () => {
    const mallory = await raw('mallory-2');
    const owner = await raw('owner-2');
    const privateRoom = (await owner.request('room:create', { type: 'visit', name: 'clinic' })) as unknown as {
      room: { id: string };
    };

    const created = await mallory.request('room:create', pollution({ type: 'group', name: 'polluted' }));
    assert.equal(created.success, true, JSON.stringify(created));
    const roomId = (created as unknown as { room: { id: string } }).room.id;
    const sent = await mallory.request('message:send', pollution({ roomId, content: 'hello' }));
    assert.equal(sent.success, true, JSON.stringify(sent));
    const message = (sent as unknown as { message: Message & Record<string, unknown> }).message;
    assert.equal(message.polluted, undefined);
    assert.equal(message.isAdmin, undefined);

    // An "isAdmin" smuggled through __proto__ opens no door.
    const join = await mallory.request('room:join', pollution({ roomId: privateRoom.room.id }));
    assert.equal(join.success, false);
    if (!join.success) assert.equal(join.code, 'FORBIDDEN');
    const read = await mallory.request('message:history', pollution({ roomId: privateRoom.room.id }));
    assert.equal(read.success, false);

    // The server answers fresh objects without the keys, and this process is unpolluted too.
    const fresh = await owner.request('room:create', { type: 'group', name: 'after' });
    assert.equal(fresh.success, true);
    assert.equal((fresh as unknown as { room: Record<string, unknown> }).room.polluted, undefined);
    assert.equal((fresh as unknown as Record<string, unknown>).isAdmin, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
  });

  test('a message over the 1 MB limit closes that connection, and only that one', async (t) => {
    for (const transports of [['websocket'], ['polling']] as const) {
      const bystander = await raw(`bystander-${transports[0]}`, [...transports]);
      const attacker = await raw(`attacker-${transports[0]}`, [...transports]);
      const closed = new Promise<string>((resolve) => attacker.socket.once('disconnect', (reason) => resolve(reason)));
      const answer = attacker
        .request('message:send', { roomId: 'any', content: 'x'.repeat(1_200_000) }, 15_000)
        .catch(() => 'no ack');
      const outcome = await Promise.race([
        closed,
        answer.then((a) => (typeof a === 'string' ? a : `ack ${JSON.stringify(a).slice(0, 120)}`)),
      ]);
      t.diagnostic(`${transports[0]}: ${outcome}`);
      // Either the server drops the oversized frame with the connection, or it answers a clear error.
      if (outcome.startsWith('ack')) assert.match(outcome, /INVALID_PAYLOAD/);
      else await closed;
      const ping = await bystander.request('room:create', { type: 'group', name: `after oversize ${transports[0]}` });
      assert.equal(ping.success, true, JSON.stringify(ping));
    }
  });

  test('after all of it, a new SDK client connects and two members talk normally', async () => {
    const make = (userId: string) => {
      const client = createClient({ url: cluster.url, token: token(userId) });
      sdks.push(client);
      return client;
    };
    const alice = make('alice-after');
    const bob = make('bob-after');
    await Promise.all([alice.synced(), bob.synced()]);
    const room = await alice.createRoom({ type: 'group', name: 'calm', memberIds: ['bob-after'] });
    const seen: number[] = [];
    bob.onMessage(room.id, (m) => seen.push(m.seq));
    for (let i = 1; i <= 5; i++) await alice.sendMessage({ roomId: room.id, content: `ok ${i}` });
    await waitFor(() => seen.length === 5, { timeoutMs: 10_000, what: 'five messages' });
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  });
});
