// Fault (b): a messaging process is SIGKILLed mid-burst. A second messaging process (started here
// beside the cluster's one or ones, same Redis prefix and database) guarantees another consumer
// takes over the room's bus partition; the one killed is whichever owns it (its lease in Redis),
// so the kill always hits the work in flight. The SDK retries unanswered sends with the same
// clientMessageId. Afterwards every acked message is stored exactly once, seqs are gapless, and
// the other member got each once, in order.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { busKeys } from '@switchboard/bus';
import { childCommand } from '@switchboard/cli';
import { createClient, type SwitchboardClient } from '@switchboard/client';
import type { Message } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { createTestDatabase, freePort, type TestDatabase, testRedis, waitFor } from '@switchboard/testkit';
import { type RunningCluster, startCluster } from './cluster-harness.ts';
import { PARTITIONS, partitionOwnerPid } from './partition-owner.ts';
import { allMessages } from './room-history.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BURST = 200;
const KILL_AFTER = 50;

describe('SIGKILL of a messaging process mid-burst', () => {
  let database: TestDatabase;
  let cluster: RunningCluster;
  let spare: ChildProcess | undefined;
  let spareOutput = '';
  const redis = testRedis();
  const clients: SwitchboardClient[] = [];

  before(async () => {
    // Our own database, so the spare messaging process can be pointed at the cluster's one.
    database = await createTestDatabase('faults_messaging');
    cluster = await startCluster({ gateways: 2, env: { DATABASE_URL: database.url, RATE_LIMIT_WRITE: '100000' } });
    const port = await freePort();
    const { command, args } = childCommand({ service: 'messaging' }); // compiled, like the cluster's own
    spare = spawn(command, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: cluster.redisPrefix,
        DATABASE_URL: database.url,
        JWT_SECRET: cluster.jwtSecret,
        HOST: '127.0.0.1',
        SERVICE_PORT: String(port),
        LOG_LEVEL: process.env.TEST_LOG ?? 'warn',
      },
    });
    spare.stdout!.on('data', (c: Buffer) => void (spareOutput += c.toString()));
    spare.stderr!.on('data', (c: Buffer) => void (spareOutput += c.toString()));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `spare messaging ready\n${spareOutput}`,
    });
  });

  after(async () => {
    for (const client of clients) client.close();
    if (spare && spare.exitCode === null && spare.signalCode === null) {
      const exited = new Promise((resolve) => spare!.once('exit', resolve));
      spare.kill('SIGTERM');
      const timer = setTimeout(() => spare!.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await cluster?.stop();
    redis.disconnect();
    await database?.drop();
  });

  const connect = async (userId: string) => {
    const client = createClient({ url: cluster.url, token: signToken(cluster.jwtSecret, userId, { name: userId }) });
    clients.push(client);
    await client.synced();
    return client;
  };

  test('no acked message is lost and none is stored or delivered twice', async (t) => {
    assert.equal(cluster.processesOf('messaging').length, cluster.replicas.messaging, 'every messaging replica runs');
    const alice = await connect('alice');
    const bob = await connect('bob');
    const room = await alice.createRoom({ type: 'group', name: 'burst', memberIds: ['bob'] });
    // The room's partition has one owner (the spare or a cluster replica): that process dies.
    const victim = await partitionOwnerPid(redis, cluster.redisPrefix, 'messaging', room.id);
    const killVictim =
      victim === spare!.pid
        ? () => spare!.kill('SIGKILL')
        : () => {
            assert.ok(
              cluster.processesOf('messaging').some((p) => p.pid === victim),
              `the owner ${victim} is the spare or a messaging replica`,
            );
            cluster.kill(victim);
          };
    const bobSeen: Message[] = [];
    bob.onMessage(room.id, (m) => bobSeen.push(m));

    let attempts = 0;
    alice.socket.onAnyOutgoing((event) => void (event === 'message:send' && (attempts += 1)));
    const acked = new Map<string, Message>();
    const failed: string[] = [];
    let next = 1;
    let killed = false;
    const sender = async () => {
      while (next <= BURST) {
        const clientMessageId = `burst-${next++}`;
        try {
          acked.set(
            clientMessageId,
            await alice.sendMessage({ roomId: room.id, content: clientMessageId, clientMessageId }),
          );
        } catch (error) {
          failed.push(`${clientMessageId}: ${(error as Error).message}`);
        }
        if (!killed && acked.size >= KILL_AFTER) {
          killed = true;
          killVictim();
        }
      }
    };
    await Promise.all([sender(), sender(), sender(), sender(), sender(), sender(), sender(), sender()]);
    assert.ok(killed, 'the owning messaging process was killed mid-burst');
    assert.notEqual(
      await partitionOwnerPid(redis, cluster.redisPrefix, 'messaging', room.id),
      victim,
      'another process owns the room now',
    );
    const victimName =
      victim === spare!.pid ? 'the spare' : cluster.processesOf('messaging').find((p) => p.pid === victim)?.name;
    t.diagnostic(`killed the room's owner, ${victimName} (pid ${victim})`);
    t.diagnostic(`${attempts} send attempts for ${BURST} messages (retries after the kill: ${attempts - BURST})`);
    t.diagnostic(`acked ${acked.size}/${BURST}; failed: ${failed.length ? failed.join('; ') : 'none'}`);
    // The spare consumer serves every retry, so every send is eventually acked.
    assert.equal(acked.size, BURST);

    // Commands the dead process had taken are reclaimed by the spare and run again (idempotently):
    // wait until none is pending, so a late duplicate would be visible below.
    const keys = busKeys(cluster.redisPrefix);
    const pending = async () => {
      const counts = await Promise.all(
        Array.from({ length: PARTITIONS }, (_, p) => redis.xpending(keys.stream('messaging', p), 'messaging')),
      );
      return counts.reduce((sum: number, reply) => sum + Number((reply as [number])[0]), 0);
    };
    await waitFor(async () => (await pending()) === 0, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'no messaging command pending',
    });

    const stored = await allMessages(alice, room.id);
    const byClientId = new Map<string, number>();
    for (const m of stored)
      byClientId.set(m.clientMessageId ?? '?', (byClientId.get(m.clientMessageId ?? '?') ?? 0) + 1);
    assert.deepEqual(
      [...byClientId].filter(([, n]) => n > 1),
      [],
      'no clientMessageId stored twice',
    );
    assert.equal(stored.length, BURST);
    assert.deepEqual(
      stored.map((m) => m.seq),
      Array.from({ length: BURST }, (_, i) => i + 1),
      'gapless seqs',
    );
    const storedIds = new Set(stored.map((m) => m.id));
    assert.deepEqual(
      [...acked.values()].filter((m) => !storedIds.has(m.id)).map((m) => m.clientMessageId),
      [],
      'every acked message is stored',
    );

    await waitFor(() => (bob.cursors()[room.id] ?? 0) >= BURST, { timeoutMs: 60_000, what: 'bob has everything' });
    assert.deepEqual(
      bobSeen.map((m) => m.seq),
      Array.from({ length: BURST }, (_, i) => i + 1),
      'bob: once each, in order',
    );
    assert.equal(new Set(bobSeen.map((m) => m.id)).size, BURST);
  });
});
