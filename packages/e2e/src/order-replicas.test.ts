// Item 7 of issue 13: with two messaging replicas, sends pipelined from one socket are stored in
// the order they were sent — the bus puts a room's commands in one partition that one replica
// owns at a time — also when the owning replica is SIGKILLed mid-burst and the SDK retries what
// timed out (the next owner finishes the dead one's pending commands first).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, type SwitchboardClient } from '@switchboard/client';
import type { Message } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { testRedis } from '@switchboard/testkit';
import { type RunningCluster, startCluster } from './cluster-harness.ts';
import { partitionOwnerPid } from './partition-owner.ts';
import { allMessages } from './room-history.ts';

const BURST = 300;

describe('send order with two messaging replicas', () => {
  let cluster: RunningCluster;
  const redis = testRedis();
  const clients: SwitchboardClient[] = [];

  before(async () => {
    cluster = await startCluster({ gateways: 2, replicas: { messaging: 2 }, env: { RATE_LIMIT_WRITE: '100000' } });
  });

  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
    redis.disconnect();
  });

  const connect = async (userId: string) => {
    const client = createClient({ url: cluster.url, token: signToken(cluster.jwtSecret, userId, { name: userId }) });
    clients.push(client);
    await client.synced();
    return client;
  };

  /** The pid of the messaging replica whose lease holds the room's partition. */
  async function ownerPid(roomId: string): Promise<number> {
    const pid = await partitionOwnerPid(redis, cluster.redisPrefix, 'messaging', roomId);
    assert.ok(
      (await cluster.state()).processes.some((p) => p.service === 'messaging' && p.pid === pid),
      `${pid} is a messaging replica`,
    );
    return pid;
  }

  /** Pipeline the whole burst from one socket (all emitted before any ack); `onAck` sees each ack. */
  async function burst(client: SwitchboardClient, roomId: string, tag: string, onAck: (acked: number) => void) {
    let acked = 0;
    const sends = Array.from({ length: BURST }, (_, i) =>
      client.sendMessage({ roomId, content: `${tag}-${i}`, clientMessageId: `${tag}-${i}` }).then((m) => {
        onAck(++acked);
        return m;
      }),
    );
    return Promise.all(sends);
  }

  function assertStoredInSendOrder(stored: Message[], tag: string): void {
    const order = stored.map((m) => Number(m.clientMessageId?.slice(tag.length + 1)));
    const inversions = order.filter((n, i) => i > 0 && n < order[i - 1]!).length;
    assert.equal(inversions, 0, `stored order ${order.slice(0, 40).join(',')}…`);
    assert.deepEqual(
      order,
      Array.from({ length: BURST }, (_, i) => i),
    );
    assert.deepEqual(
      stored.map((m) => m.seq),
      Array.from({ length: BURST }, (_, i) => i + 1),
      'gapless seqs',
    );
  }

  test('300 pipelined sends from one socket are stored in send order', async () => {
    assert.ok(cluster.replicas.messaging >= 2, 'at least two messaging replicas');
    assert.equal(cluster.processesOf('messaging').length, cluster.replicas.messaging, 'every replica runs');
    const alice = await connect('alice');
    const room = await alice.createRoom({ type: 'group', name: 'order' });
    await burst(alice, room.id, 'calm', () => undefined);
    assertStoredInSendOrder(await allMessages(alice, room.id), 'calm');
  });

  test('the order holds when the owning replica is SIGKILLed mid-burst and the client retries', async (t) => {
    const bob = await connect('bob');
    const room = await bob.createRoom({ type: 'group', name: 'order-kill' });
    const victim = await ownerPid(room.id);
    let killed = false;
    let attempts = 0;
    bob.socket.onAnyOutgoing((event) => void (event === 'message:send' && (attempts += 1)));
    const acks = await burst(bob, room.id, 'kill', (acked) => {
      if (killed || acked < BURST / 3) return;
      killed = true;
      cluster.kill(victim);
    });
    assert.ok(killed, 'the owner was killed mid-burst');
    t.diagnostic(`${attempts} send attempts for ${BURST} messages (${attempts - BURST} retries after the kill)`);
    assert.equal(new Set(acks.map((m) => m.id)).size, BURST, 'every send acked with its own message');

    const stored = await allMessages(bob, room.id);
    assert.equal(stored.length, BURST, 'each message stored once');
    assertStoredInSendOrder(stored, 'kill');
    const newOwner = await ownerPid(room.id);
    assert.notEqual(newOwner, victim, 'another replica owns the room now');
  });
});
