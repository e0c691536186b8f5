// Item 3 of issue 13: Postgres connections terminated (pg_terminate_backend on every backend of
// the cluster's database) again and again during a burst of sends. Requests that hit a dead
// connection are answered UNAVAILABLE (never INTERNAL, never silence), the pools reconnect on
// their own, no process restarts, and the SDK's retries with the same clientMessageId end with
// every message stored exactly once, seqs gapless, and delivered to the other member once each.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, type SwitchboardClient } from '@switchboard/client';
import type { Message } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { createTestDatabase, type TestDatabase, waitFor } from '@switchboard/testkit';
import { type ClusterProcess, type RunningCluster, startCluster } from './cluster-harness.ts';

const BURST = 300;
const SENDERS = 8;
const ROUNDS = 8;

describe('Postgres connections terminated mid-burst', () => {
  let database: TestDatabase;
  let cluster: RunningCluster;
  const clients: SwitchboardClient[] = [];

  before(async () => {
    database = await createTestDatabase('faults_postgres');
    cluster = await startCluster({ gateways: 2, env: { DATABASE_URL: database.url, RATE_LIMIT_WRITE: '100000' } });
  });

  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
    await database?.drop();
  });

  const connect = async (userId: string) => {
    // A patient client: the faults below go on for seconds, longer than the default retry budget.
    const client = createClient({
      url: cluster.url,
      token: signToken(cluster.jwtSecret, userId, { name: userId }),
      sendRetry: { maxAttempts: 15 },
    });
    clients.push(client);
    await client.synced();
    return client;
  };

  /** Terminate every other backend of the cluster's database (the test's own pool's too). */
  const terminate = async (): Promise<number> => {
    const rows = await database.db.$queryRaw<{ n: number }[]>`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`;
    return Number(rows[0]?.n ?? 0);
  };

  async function allMessages(client: SwitchboardClient, roomId: string): Promise<Message[]> {
    const out: Message[] = [];
    for (;;) {
      const page = await client.history({ roomId, afterSeq: out.at(-1)?.seq ?? 0, limit: 200 });
      out.push(...page.messages);
      if (!page.hasMore) return out;
    }
  }

  const pids = async (): Promise<Pick<ClusterProcess, 'name' | 'pid' | 'restarts'>[]> =>
    (await cluster.state()).processes.map(({ name, pid, restarts }) => ({ name, pid, restarts }));

  test('every send ends stored exactly once, in a gapless seq, and reads fail UNAVAILABLE at worst', async (t) => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const room = await alice.createRoom({ type: 'group', name: 'pg-faults', memberIds: ['bob'] });
    const bobSeen: Message[] = [];
    bob.onMessage(room.id, (m) => bobSeen.push(m));
    const before = await pids();
    let attempts = 0;
    alice.socket.onAnyOutgoing((event) => void (event === 'message:send' && (attempts += 1)));

    let next = 0;
    let done = false;
    const acked: Message[] = [];
    const sender = async () => {
      while (next < BURST) {
        const i = next++;
        acked.push(await alice.sendMessage({ roomId: room.id, content: `m${i}`, clientMessageId: `pg-${i}` }));
      }
    };
    // Reads during the faults: answered, with success or UNAVAILABLE only.
    const readCodes = new Map<string, number>();
    const reader = async () => {
      while (!done) {
        const ack = (await bob.socket
          .timeout(20_000)
          .emitWithAck('message:history', { roomId: room.id, limit: 5 })) as {
          success: boolean;
          code?: string;
        };
        const code = ack.success ? 'success' : (ack.code ?? '?');
        readCodes.set(code, (readCodes.get(code) ?? 0) + 1);
      }
    };
    let terminations = 0;
    let backendsKilled = 0;
    // Faults begin once sends are flowing: a round of terminations every 700 ms, up to ROUNDS.
    const terminator = async () => {
      while (!done && terminations < ROUNDS) {
        if (acked.length > 0) {
          backendsKilled += await terminate();
          terminations += 1;
        }
        await new Promise((r) => setTimeout(r, 700));
      }
    };
    const senders = Promise.all(Array.from({ length: SENDERS }, sender)).finally(() => (done = true));
    await Promise.all([senders, reader(), terminator()]);
    t.diagnostic(`${terminations} terminations (${backendsKilled} backends) during the burst`);
    t.diagnostic(
      `${attempts} send attempts for ${BURST} messages; reads: ${JSON.stringify(Object.fromEntries(readCodes))}`,
    );
    assert.ok(backendsKilled > 0, 'connections were terminated during the burst');
    assert.deepEqual(
      [...readCodes.keys()].filter((c) => c !== 'success' && c !== 'UNAVAILABLE'),
      [],
      'a read fails UNAVAILABLE at worst',
    );

    const stored = await allMessages(alice, room.id);
    const byClientId = new Map<string, number>();
    for (const m of stored)
      byClientId.set(m.clientMessageId ?? '?', (byClientId.get(m.clientMessageId ?? '?') ?? 0) + 1);
    assert.deepEqual(
      [...byClientId].filter(([, n]) => n > 1),
      [],
      'no clientMessageId stored twice',
    );
    assert.equal(stored.length, BURST, 'every send stored');
    assert.deepEqual(
      stored.map((m) => m.seq),
      Array.from({ length: BURST }, (_, i) => i + 1),
      'gapless seqs',
    );
    const storedIds = new Set(stored.map((m) => m.id));
    assert.equal(acked.filter((m) => !storedIds.has(m.id)).length, 0, 'every acked message is stored');

    await waitFor(() => (bob.cursors()[room.id] ?? 0) >= BURST, { timeoutMs: 60_000, what: 'bob has everything' });
    assert.deepEqual(
      bobSeen.map((m) => m.seq),
      Array.from({ length: BURST }, (_, i) => i + 1),
      'bob: once each, in order',
    );
    assert.deepEqual(await pids(), before, 'no process restarted');
  });
});
