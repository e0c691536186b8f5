// Supervision and replicas through the real `npm run cluster` (issue 13, items 1 and 7): with
// REPLICAS=messaging=2 both messaging processes run, are listed and share the work; a SIGKILLed
// gateway is restarted on its port, pids.json names the new pid, and clients from its address
// range land on it again; a SIGKILLed messaging replica comes back too.
import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { busKeys } from '@switchboard/bus';
import { signToken } from '@switchboard/runtime';
import { testRedis, waitFor } from '@switchboard/testkit';
import { connectClient, type E2eClient } from './client.ts';
import { type ClusterProcess, type RunningCluster, serviceProcessNames, startCluster } from './cluster-harness.ts';
import { mapAddressesToGateways, requestJson } from './presence-helpers.ts';
import { delta, parsePrometheusText, type Sample } from './prometheus-text.ts';

const WAIT = { timeoutMs: 60_000, intervalMs: 200 };
const REST_SENDS = 6;

describe('the supervised cluster, messaging replicated', () => {
  let cluster: RunningCluster;
  const clients: E2eClient[] = [];
  const redis = testRedis();
  const token = (userId: string) => signToken(cluster.jwtSecret, userId, { name: `User ${userId}` });
  const connect = async (userId: string, localAddress?: string) => {
    const client = await connectClient(cluster.url, token(userId), localAddress ? { localAddress } : {});
    clients.push(client);
    return client;
  };
  const scrape = async (p: ClusterProcess): Promise<Sample[]> =>
    parsePrometheusText(await (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text());
  const readyz = async (p: ClusterProcess) =>
    (await fetch(`http://127.0.0.1:${p.port}/readyz`).catch(() => undefined))?.status;
  /**
   * A request pressed again while it is answered UNAVAILABLE, as a client does: right after a
   * replica dies, the bus partitions it owned wait for their leases to expire (BUS_LEASE_MS, as
   * long as BUS_TIMEOUT_MS here), and which commands land on them depends on their partition keys
   * (a user's, a room's, a gateway's for session batches), not on the test.
   */
  const pressed = async <T extends { success: boolean }>(request: () => Promise<T>): Promise<T> => {
    const unavailable = (answer: T) => !answer.success && 'code' in answer && answer.code === 'UNAVAILABLE';
    let answer = await request();
    for (let attempt = 1; attempt < 3 && unavailable(answer); attempt++) answer = await request();
    return answer;
  };
  /** alice creates a room with bob, bob joins it, alice sends: bob receives it live. */
  const chat = async (alice: E2eClient, bob: E2eClient, content: string) => {
    const created = await pressed(() =>
      alice.request('room:create', { type: 'group', name: content, memberIds: [bob.connected().userId] }),
    );
    assert.equal(created.success, true, JSON.stringify(created));
    if (!created.success) throw new Error('unreachable');
    const roomId = created.room.id;
    assert.equal((await pressed(() => bob.request('room:join', { roomId }))).success, true);
    const arrival = bob.next('message:new', 20_000, (m) => m.roomId === roomId);
    const clientMessageId = crypto.randomUUID();
    const sent = await pressed(() => alice.request('message:send', { roomId, content, clientMessageId }));
    assert.equal(sent.success, true, JSON.stringify(sent));
    assert.equal((await arrival).content, content);
    return roomId;
  };

  before(async () => {
    cluster = await startCluster({ gateways: 2, replicas: { messaging: 2 } });
  });

  after(async () => {
    for (const client of clients) client.close();
    redis.disconnect();
    await cluster?.stop();
  });

  test('REPLICAS=messaging=2 runs messaging-1 and messaging-2, each listed, ready, with its own bus consumer', async () => {
    const messaging = cluster.processesOf('messaging');
    assert.deepEqual(
      messaging.map((p) => p.name),
      ['messaging-1', 'messaging-2'],
    );
    assert.equal(new Set(messaging.map((p) => p.port)).size, 2);
    assert.equal(new Set(messaging.map((p) => p.pid)).size, 2);
    for (const p of messaging) assert.equal(await readyz(p), 200, `${p.name} /readyz`);
    // The other services as configured: once each (named after the service), or as many as
    // E2E_REPLICAS asks for (named <service>-<r>).
    assert.deepEqual(
      cluster.processes.filter((p) => p.kind === 'service' && p.service !== 'messaging').map((p) => p.name),
      serviceProcessNames(cluster.replicas).filter((name) => !name.startsWith('messaging')),
    );
    for (const p of cluster.processes) assert.equal(await readyz(p), 200, `${p.name} /readyz`);

    // Consumer names are <service>-<hostname>-<pid>: one per process, in one group.
    const expected = messaging.map((p) => `messaging-${os.hostname()}-${p.pid}`).sort();
    // Each replica consumes the bus partitions it holds the lease of (packages/bus/README.md);
    // together they own all of them. (A group lists a consumer only once it has read an entry.)
    const keys = busKeys(cluster.redisPrefix);
    const owners = () => Promise.all(Array.from({ length: 8 }, (_, p) => redis.get(keys.lease('messaging', p))));
    const consumers = await waitFor(
      async () => {
        const now = await owners();
        const names = [...new Set(now)].sort();
        return now.every((o) => o !== null) && names.length === expected.length ? names : undefined;
      },
      { ...WAIT, what: `partitions owned by ${expected.join(', ')}` },
    );
    assert.deepEqual(consumers, expected);
  });

  test('a chat message goes end to end, and nginx spreads /api/messages over both replicas', async () => {
    const alice = await connect('rep-alice');
    const bob = await connect('rep-bob');
    const roomId = await chat(alice, bob, 'hello over two messaging replicas');

    const messaging = cluster.processes.filter((p) => p.service === 'messaging');
    const before = await Promise.all(messaging.map(scrape));
    for (let i = 0; i < REST_SENDS; i++) {
      const response = await requestJson(`${cluster.url}/api/messages`, 'POST', token('rep-alice'), {
        roomId,
        content: `rest ${i}`,
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
    }
    const after = await Promise.all(messaging.map(scrape));
    const handled = messaging.map((_, i) => delta(before[i]!, after[i]!, 'switchboard_messages_persisted_total'));
    assert.equal(
      handled.reduce((a, b) => a + b, 0),
      REST_SENDS,
      `persisted per replica: ${handled.join(', ')}`,
    );
    assert.ok(
      handled.every((n) => n > 0),
      `each replica served some REST sends: ${handled.join(', ')}`,
    );
  });

  test('a SIGKILLed gateway is restarted on its port, listed with its new pid, and its clients land on it again', async (t) => {
    const byGateway = await mapAddressesToGateways(cluster.url, token('probe'));
    const victim = cluster.gateways[0]!;
    const addresses = byGateway.get(victim.name);
    assert.ok(addresses?.length, `some address lands on ${victim.name}: ${JSON.stringify([...byGateway])}`);

    const killedAt = Date.now();
    cluster.kill(victim.pid);
    const restarted = await cluster.waitForRestart(victim.name, victim.pid);
    const listedAfter = Date.now() - killedAt;
    assert.equal(restarted.port, victim.port);
    assert.equal(restarted.restarts, 1);
    await waitFor(async () => (await readyz(restarted)) === 200, { ...WAIT, what: `${victim.name} /readyz` });
    const readyAfter = Date.now() - killedAt;
    assert.match(
      cluster.output(),
      new RegExp(
        `${victim.name} \\(pid ${victim.pid}\\) exited \\(signal SIGKILL\\); restarting in \\d+ ms \\(restart 1\\)`,
      ),
    );

    // nginx skips a refused gateway for fail_timeout (5 s), then sends its address range back.
    const back = await waitFor(
      async () => {
        // nginx may still answer a polling request of the outage with an error: try again.
        const client = await connect('comeback', addresses[0]!).catch(() => undefined);
        if (!client) return undefined;
        const { serverId } = client.connected();
        if (serverId === victim.name) return client;
        client.close();
        return undefined;
      },
      { ...WAIT, intervalMs: 500, what: `a client from ${addresses[0]} on ${victim.name} again` },
    );
    const reconnectedAfter = Date.now() - killedAt;
    t.diagnostic(
      `${victim.name}: new pid in pids.json after ${listedAfter} ms, /readyz 200 after ${readyAfter} ms, a client from ${addresses[0]} on it after ${reconnectedAfter} ms`,
    );
    const supervisorSays = new RegExp(`${victim.name} \\(pid \\d+\\) ready again, \\d+ ms after it exited`).exec(
      cluster.output(),
    );
    if (supervisorSays) t.diagnostic(`supervisor: ${supervisorSays[0]}`);

    // The client on the restarted gateway is fully served. The peer may land on either gateway, and
    // right after the restart a first polling request can still fail (as above): retry it.
    const other = await waitFor(() => connect('comeback-peer').catch(() => undefined), {
      ...WAIT,
      what: 'a peer connects after the restart',
    });
    await chat(back, other, 'back on the restarted gateway');
  });

  test('a SIGKILLed messaging replica comes back while the other keeps serving', async () => {
    const victim = cluster.processes.find((p) => p.name === 'messaging-2')!;
    cluster.kill(victim.pid);
    const alice = await connect('kill-alice');
    const bob = await connect('kill-bob');
    await chat(alice, bob, 'served while messaging-2 restarts');
    const restarted = await cluster.waitForRestart('messaging-2', victim.pid);
    await waitFor(async () => (await readyz(restarted)) === 200, { ...WAIT, what: 'messaging-2 /readyz' });
    const state = await cluster.state();
    assert.deepEqual(
      state.processes.filter((p) => p.service === 'messaging').map((p) => [p.name, p.status]),
      [
        ['messaging-1', 'running'],
        ['messaging-2', 'running'],
      ],
    );
    assert.equal(state.nginx.status, 'running');
    await chat(alice, bob, 'after messaging-2 is back');
  });
});

describe('start-up of the supervised cluster', () => {
  test('a process that exits during start-up fails the start instead of being restarted', async () => {
    // Every process refuses this value (the runner itself does not read it): all exit at once.
    const failed = await startCluster({ gateways: 1, env: { BUS_TIMEOUT_MS: 'soon' }, readyTimeoutMs: 60_000 }).then(
      async (cluster) => {
        await cluster.stop();
        assert.fail('the cluster started with BUS_TIMEOUT_MS=soon');
      },
      (error: Error) => error.message,
    );
    assert.match(failed, /supervisor exited with 1/);
    assert.match(failed, /exited during start-up \(code 1\)/);
    assert.match(failed, /start-up failed: /);
    assert.match(failed, /BUS_TIMEOUT_MS/);
    assert.doesNotMatch(failed, /restarting in/);
  });
});
