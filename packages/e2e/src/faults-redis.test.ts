// Item 2 of issue 13: the cluster runs against a private redis-server, which is SIGKILLed and
// started again empty (it keeps nothing on disk). While it is down every request is answered
// UNAVAILABLE within the bus deadline (no hang; rate limits fail open) and no process dies; once
// it is back, everything recovers with no process restarted: bus streams and groups re-created,
// adapter subscriptions back (live messages arrive), presence rebuilt from gateway heartbeats,
// and a send retried with its clientMessageId across the outage is stored once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, type SwitchboardClient } from '@switchboard/client';
import type { Message, PresencesResult } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { freePort, type PrivateRedis, privateRedis, waitFor } from '@switchboard/testkit';
import { type ClusterProcess, type RunningCluster, startCluster } from './cluster-harness.ts';

const BUS_TIMEOUT_MS = 2000;
/** The gateway's own guard on top of the bus deadline (requests.ts), plus room for a loaded machine. */
const ANSWER_BOUND_MS = BUS_TIMEOUT_MS + 1000 + 3000;

describe('Redis killed and restarted empty under a running cluster', () => {
  let redis: PrivateRedis;
  let cluster: RunningCluster;
  const clients: SwitchboardClient[] = [];

  before(async () => {
    redis = privateRedis(await freePort());
    await redis.start();
    cluster = await startCluster({
      gateways: 2,
      env: { REDIS_URL: redis.url, BUS_TIMEOUT_MS: String(BUS_TIMEOUT_MS), PRESENCE_OFFLINE_AFTER_MS: '6000' },
    });
  });

  after(async () => {
    for (const client of clients) client.close();
    await redis?.start(); // the cluster's shutdown and cleanup go smoother with Redis there
    await cluster?.stop();
    await redis?.kill();
  });

  const connect = async (userId: string) => {
    const client = createClient({ url: cluster.url, token: signToken(cluster.jwtSecret, userId, { name: userId }) });
    clients.push(client);
    await client.synced();
    return client;
  };

  const presenceOf = async (viewer: SwitchboardClient, userId: string) => {
    const { presences }: PresencesResult = await viewer.request('presence:get', { userIds: [userId] });
    return presences[0]?.status;
  };

  const pids = async (): Promise<Pick<ClusterProcess, 'name' | 'pid' | 'restarts'>[]> =>
    (await cluster.state()).processes.map(({ name, pid, restarts }) => ({ name, pid, restarts }));

  test('requests fail fast while it is down, and everything recovers without a restart', async (t) => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const room = await alice.createRoom({ type: 'group', name: 'outage', memberIds: ['bob'] });
    const bobSeen: Message[] = [];
    bob.onMessage(room.id, (m) => bobSeen.push(m));
    await alice.sendMessage({ roomId: room.id, content: 'before', clientMessageId: 'before' });
    await waitFor(() => bobSeen.length === 1, { timeoutMs: 15_000, what: 'bob got the first message' });
    await waitFor(async () => (await presenceOf(bob, 'alice')) === 'online', {
      timeoutMs: 15_000,
      what: 'alice online',
    });
    const before = await pids();

    await redis.kill();
    // Raw emits, so the answer is the server's (the SDK's own deadline would also say UNAVAILABLE).
    const requests = [
      ['message:send', { roomId: room.id, content: 'during', clientMessageId: 'during-raw' }],
      ['message:history', { roomId: room.id }],
      ['presence:get', { userIds: ['bob'] }],
    ] as const;
    for (const [event, payload] of requests) {
      const started = Date.now();
      const ack = (await alice.socket.timeout(20_000).emitWithAck(event, payload as never)) as {
        success: boolean;
        code?: string;
      };
      const elapsed = Date.now() - started;
      t.diagnostic(`${event} while Redis is down: ${ack.code ?? 'success'} after ${elapsed} ms`);
      assert.equal(ack.success, false, `${event} cannot succeed without Redis`);
      assert.equal(ack.code, 'UNAVAILABLE', event);
      assert.ok(elapsed < ANSWER_BOUND_MS, `${event} answered after ${elapsed} ms`);
    }
    // A send the app keeps retrying with one clientMessageId across the outage.
    const retried = alice.sendMessage({ roomId: room.id, content: 'across', clientMessageId: 'across-outage' });

    await redis.start(); // empty: no streams, groups, leases, presence, adapter state
    const stored = await retried;
    assert.equal(stored.clientMessageId, 'across-outage');
    const after = await alice.sendMessage({ roomId: room.id, content: 'after', clientMessageId: 'after' });
    await waitFor(() => bobSeen.some((m) => m.id === after.id), {
      timeoutMs: 30_000,
      what: 'live delivery to bob again (adapter subscriptions back)',
    });
    await waitFor(async () => (await presenceOf(bob, 'alice')) === 'online', {
      timeoutMs: 30_000,
      what: 'alice online again (presence rebuilt from gateway heartbeats)',
    });

    const history = await alice.history({ roomId: room.id, limit: 100 });
    const counts = new Map<string, number>();
    for (const m of history.messages)
      counts.set(m.clientMessageId ?? '?', (counts.get(m.clientMessageId ?? '?') ?? 0) + 1);
    assert.equal(counts.get('across-outage'), 1, 'the retried send is stored once');
    assert.equal(counts.get('before'), 1);
    assert.deepEqual(
      history.messages.map((m) => m.seq),
      history.messages.map((_, i) => i + 1),
      'gapless seqs',
    );
    assert.deepEqual(await pids(), before, 'no process restarted');
  });
});
