// The burst both Postgres fault suites drive (faults-postgres.test.ts: backends terminated;
// faults-postgres-restart.test.ts: the server restarted): one SDK client sends BURST messages from
// SENDERS concurrent loops, the SDK retrying what fails with the same clientMessageId, while a
// second member reads history with a deadline and the suite's faults run; then the checks that
// every message ended stored exactly once, seqs gapless, delivered once each in order.
import assert from 'node:assert/strict';
import { createClient, type SwitchboardClient } from '@switchboard/client';
import type { Message } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { waitFor } from '@switchboard/testkit';
import type { ClusterProcess, RunningCluster } from './cluster-harness.ts';
import { allMessages } from './room-history.ts';

export const BURST = 300;
const SENDERS = 8;

/** A patient SDK client: the faults go on for seconds, longer than the default retry budget. */
export async function connectPatient(cluster: RunningCluster, userId: string): Promise<SwitchboardClient> {
  const client = createClient({
    url: cluster.url,
    token: signToken(cluster.jwtSecret, userId, { name: userId }),
    sendRetry: { maxAttempts: 15 },
  });
  await client.synced();
  return client;
}

/** Every process's name, pid and restart count (unchanged when no process restarted). */
export async function processPids(
  cluster: RunningCluster,
): Promise<Pick<ClusterProcess, 'name' | 'pid' | 'restarts'>[]> {
  return (await cluster.state()).processes.map(({ name, pid, restarts }) => ({ name, pid, restarts }));
}

export interface BurstProgress {
  /** Sends acked so far. */
  acked(): number;
  /** True once every send is acked. */
  done(): boolean;
}

export interface BurstResult {
  acked: Message[];
  /** `message:send` emits, retries included. */
  attempts: number;
  /** How the reads during the burst were answered: `success` or the failure code, with counts. */
  reads: Map<string, number>;
  /** What bob received live, in arrival order. */
  bobSeen: Message[];
}

/**
 * alice sends BURST messages to `roomId` (bob a member) while bob reads its history (each read
 * must be answered within `readDeadlineMs`, or the burst fails) and `faults` runs. Resolves when
 * every send is acked and `faults` has returned.
 */
export async function burstUnderFaults(
  alice: SwitchboardClient,
  bob: SwitchboardClient,
  roomId: string,
  faults: (progress: BurstProgress) => Promise<void>,
  { readDeadlineMs = 20_000 } = {},
): Promise<BurstResult> {
  const bobSeen: Message[] = [];
  bob.onMessage(roomId, (m) => bobSeen.push(m));
  let attempts = 0;
  alice.socket.onAnyOutgoing((event) => void (event === 'message:send' && (attempts += 1)));

  let next = 0;
  let done = false;
  const acked: Message[] = [];
  const sender = async () => {
    while (next < BURST) {
      const i = next++;
      acked.push(await alice.sendMessage({ roomId, content: `m${i}`, clientMessageId: `pg-${i}` }));
    }
  };
  const reads = new Map<string, number>();
  const reader = async () => {
    while (!done) {
      const ack = (await bob.socket.timeout(readDeadlineMs).emitWithAck('message:history', { roomId, limit: 5 })) as {
        success: boolean;
        code?: string;
      };
      const code = ack.success ? 'success' : (ack.code ?? '?');
      reads.set(code, (reads.get(code) ?? 0) + 1);
    }
  };
  const senders = Promise.all(Array.from({ length: SENDERS }, sender)).finally(() => (done = true));
  await Promise.all([senders, reader(), faults({ acked: () => acked.length, done: () => done })]);
  return { acked, attempts, reads, bobSeen };
}

/** Reads failed UNAVAILABLE at worst; every send stored exactly once, seqs gapless; bob got each once, in order. */
export async function assertEveryMessageOnce(
  alice: SwitchboardClient,
  bob: SwitchboardClient,
  roomId: string,
  { acked, reads, bobSeen }: BurstResult,
): Promise<void> {
  assert.deepEqual(
    [...reads.keys()].filter((c) => c !== 'success' && c !== 'UNAVAILABLE'),
    [],
    'a read fails UNAVAILABLE at worst',
  );
  const stored = await allMessages(alice, roomId);
  const byClientId = new Map<string, number>();
  for (const m of stored) byClientId.set(m.clientMessageId ?? '?', (byClientId.get(m.clientMessageId ?? '?') ?? 0) + 1);
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

  await waitFor(() => (bob.cursors()[roomId] ?? 0) >= BURST, { timeoutMs: 60_000, what: 'bob has everything' });
  assert.deepEqual(
    bobSeen.map((m) => m.seq),
    Array.from({ length: BURST }, (_, i) => i + 1),
    'bob: once each, in order',
  );
}
