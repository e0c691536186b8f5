// Item 3 of issue 13: Postgres connections terminated (pg_terminate_backend on every backend of
// the cluster's database) again and again during a burst of sends. Requests that hit a dead
// connection are answered UNAVAILABLE (never INTERNAL, never silence), the pools reconnect on
// their own, no process restarts, and the SDK's retries with the same clientMessageId end with
// every message stored exactly once, seqs gapless, and delivered to the other member once each.
// (faults-postgres-restart.test.ts restarts the whole server instead.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SwitchboardClient } from '@switchboard/client';
import { createTestDatabase, type TestDatabase } from '@switchboard/testkit';
import { type RunningCluster, startCluster } from './cluster-harness.ts';
import { assertEveryMessageOnce, BURST, burstUnderFaults, connectPatient, processPids } from './postgres-burst.ts';

const ROUNDS = 8;

describe('Postgres connections terminated mid-burst', () => {
  let database: TestDatabase;
  let cluster: RunningCluster;
  const clients: SwitchboardClient[] = [];

  before(async () => {
    database = await createTestDatabase('faults_postgres');
    cluster = await startCluster({ gateways: 2, databaseUrl: database.url, env: { RATE_LIMIT_WRITE: '100000' } });
  });

  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
    await database?.drop();
  });

  const connect = async (userId: string) => {
    const client = await connectPatient(cluster, userId);
    clients.push(client);
    return client;
  };

  /** Terminate every other backend of the cluster's database (the test's own pool's too). */
  const terminate = async (): Promise<number> => {
    const rows = await database.db.$queryRaw<{ n: number }[]>`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`;
    return Number(rows[0]?.n ?? 0);
  };

  test('every send ends stored exactly once, in a gapless seq, and reads fail UNAVAILABLE at worst', async (t) => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const room = await alice.createRoom({ type: 'group', name: 'pg-faults', memberIds: ['bob'] });
    const before = await processPids(cluster);

    let terminations = 0;
    let backendsKilled = 0;
    // Faults begin once sends are flowing: a round of terminations every 700 ms, up to ROUNDS.
    const result = await burstUnderFaults(alice, bob, room.id, async (progress) => {
      while (!progress.done() && terminations < ROUNDS) {
        if (progress.acked() > 0) {
          backendsKilled += await terminate();
          terminations += 1;
        }
        await new Promise((r) => setTimeout(r, 700));
      }
    });
    t.diagnostic(`${terminations} terminations (${backendsKilled} backends) during the burst`);
    t.diagnostic(
      `${result.attempts} send attempts for ${BURST} messages; reads: ${JSON.stringify(Object.fromEntries(result.reads))}`,
    );
    assert.ok(backendsKilled > 0, 'connections were terminated during the burst');
    await assertEveryMessageOnce(alice, bob, room.id, result);
    assert.deepEqual(await processPids(cluster), before, 'no process restarted');
  });
});
