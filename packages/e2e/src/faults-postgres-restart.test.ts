// Item 3 of issue 13, the server half: the cluster runs on a Postgres server of this test's own
// (testkit `privatePostgres`; the machine's shared one must never go down), which is restarted
// twice during a 300-message burst — once `immediate` (no checkpoint: crash recovery at start)
// and once `fast` — each time left down for a while, so connections are refused meanwhile.
// Every request is answered within the deadline with success or UNAVAILABLE (never a hang, never
// INTERNAL: the gateways' own counters show it), every service's pool reconnects by itself, no
// process restarts (idle too, before any Prisma statement), and the SDK's retries with the same
// clientMessageId end with every message stored exactly once, seqs gapless, delivered to the
// other member once each, in order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SwitchboardClient } from '@switchboard/client';
import { signToken } from '@switchboard/runtime';
import { type PostgresStopMode, type PrivatePostgres, privatePostgres, waitFor } from '@switchboard/testkit';
import { connectClient, type E2eClient } from './client.ts';
import { type ClusterProcess, type RunningCluster, startCluster } from './cluster-harness.ts';
import { assertEveryMessageOnce, BURST, burstUnderFaults, connectPatient, processPids } from './postgres-burst.ts';
import { fix } from './presence-helpers.ts';
import { delta, parsePrometheusText, type Sample, sumOf } from './prometheus-text.ts';

/** The gateways' deadline for a service's answer; every ack must come within it (plus slack). */
const BUS_TIMEOUT_MS = 3000;
/** The largest finite bucket of switchboard_ack_seconds (seconds), above BUS_TIMEOUT_MS. */
const ACK_BUCKET = '5';
const EVENTS = ['message:send', 'message:history'];
/** When (sends acked) each restart begins, how the server stops, how long it stays down. */
const RESTARTS: { afterAcked: number; mode: PostgresStopMode; downMs: number }[] = [
  { afterAcked: 60, mode: 'immediate', downMs: 1500 },
  { afterAcked: 180, mode: 'fast', downMs: 1000 },
];

describe('the Postgres server restarted mid-burst', () => {
  let server: PrivatePostgres;
  let cluster: RunningCluster;
  const clients: SwitchboardClient[] = [];
  const probes: E2eClient[] = [];

  before(async () => {
    server = await privatePostgres();
    const databaseUrl = await server.createMigratedDatabase('switchboard');
    cluster = await startCluster({
      gateways: 2,
      databaseUrl,
      // Refused connects are answered at once, so the reader below reads fast while the server is down.
      env: { RATE_LIMIT_WRITE: '100000', RATE_LIMIT_READ: '100000', BUS_TIMEOUT_MS: String(BUS_TIMEOUT_MS) },
    });
  });

  after(async () => {
    for (const client of clients) client.close();
    for (const probe of probes) probe.close();
    await cluster?.stop();
    await server?.stop();
  });

  const connect = async (userId: string) => {
    const client = await connectPatient(cluster, userId);
    clients.push(client);
    return client;
  };
  const scrape = async (p: ClusterProcess): Promise<Sample[]> =>
    parsePrometheusText(await (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text());
  /**
   * The gateways' metrics once every message:send and message:history that reached them is
   * answered (a request in flight when scraped would skew the counts below). Within the deadline:
   * anything slower is a hang.
   */
  const settledGateways = () =>
    waitFor(
      async () => {
        const scraped = await Promise.all(cluster.gateways.map(scrape));
        const total = (metric: string, event: string) => scraped.reduce((n, s) => n + sumOf(s, metric, { event }), 0);
        const settled = EVENTS.every(
          (event) => total('switchboard_ack_seconds_count', event) === total('switchboard_events_in_total', event),
        );
        return settled ? scraped : undefined;
      },
      { timeoutMs: BUS_TIMEOUT_MS + 2000, intervalMs: 100, what: 'every request the gateways received answered' },
    );
  /** How far a counter moved on all gateways together. */
  const movedOnGateways = (before: Sample[][], after: Sample[][], metric: string, labels: Record<string, string>) =>
    after.reduce((sum, samples, i) => sum + delta(before[i]!, samples, metric, labels), 0);

  // First, on the cluster just started: its services have run only pool statements (readiness,
  // timer and outbox polls), never a Prisma one, so only the pool's own listener hears the
  // server drop their idle connections.
  test('idle, the services report the server down on /readyz, and ride out its restart without restarting', async () => {
    const readyz = async (p: ClusterProcess) =>
      (await fetch(`http://127.0.0.1:${p.port}/readyz`).catch(() => undefined))?.status;
    const services = cluster.processes.filter((p) => p.kind === 'service');
    const pidsBefore = await processPids(cluster);
    const restarting = server.restart({ mode: 'fast', downMs: 3000 });
    await waitFor(async () => (await readyz(services[0]!)) === 503, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: `${services[0]!.name} /readyz 503 while Postgres is down`,
    });
    await restarting;
    for (const p of services) {
      await waitFor(async () => (await readyz(p)) === 200, { timeoutMs: 15_000, what: `${p.name} /readyz 200 again` });
    }
    assert.deepEqual(await processPids(cluster), pidsBefore, 'no process restarted');
  });

  test('every request answered in time with success or UNAVAILABLE; every message stored and delivered once', async (t) => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const room = await alice.createRoom({ type: 'group', name: 'pg-restart', memberIds: ['bob'] });
    const pidsBefore = await processPids(cluster);
    const gatewaysBefore = await settledGateways();

    const restarts: string[] = [];
    const result = await burstUnderFaults(
      alice,
      bob,
      room.id,
      async (progress) => {
        for (const { afterAcked, mode, downMs } of RESTARTS) {
          await waitFor(() => progress.acked() >= afterAcked || progress.done(), {
            timeoutMs: 120_000,
            intervalMs: 10,
            what: `${afterAcked} sends acked`,
          });
          if (progress.done()) return;
          const acked = progress.acked();
          const started = Date.now();
          await server.restart({ mode, downMs });
          restarts.push(`${mode} at ${acked} acked, accepting again after ${Date.now() - started} ms`);
        }
      },
      { readDeadlineMs: BUS_TIMEOUT_MS + 2000 },
    );
    const gatewaysAfter = await settledGateways();
    t.diagnostic(`restarts: ${restarts.join('; ')}`);
    t.diagnostic(
      `${result.attempts} send attempts for ${BURST} messages; reads: ${JSON.stringify(Object.fromEntries(result.reads))}`,
    );
    assert.equal(restarts.length, RESTARTS.length, 'every restart happened mid-burst');
    assert.ok(
      result.attempts > BURST || (result.reads.get('UNAVAILABLE') ?? 0) > 0,
      'the clients felt the outage (a send retried or a read refused)',
    );

    // The gateways' view: every message:send and message:history that arrived was answered, each
    // within the deadline, and no answer was a failure other than UNAVAILABLE.
    const moved = (metric: string, labels: Record<string, string> = {}) =>
      movedOnGateways(gatewaysBefore, gatewaysAfter, metric, labels);
    assert.equal(
      moved('switchboard_events_in_total', { event: 'message:send' }),
      result.attempts,
      'every send attempt arrived',
    );
    for (const event of EVENTS) {
      const arrived = moved('switchboard_events_in_total', { event });
      assert.equal(moved('switchboard_ack_seconds_count', { event }), arrived, `every ${event} answered`);
      assert.equal(
        moved('switchboard_ack_seconds_bucket', { event, le: ACK_BUCKET }),
        arrived,
        `every ${event} answered within ${ACK_BUCKET} s`,
      );
    }
    const codes = new Set(
      gatewaysAfter.flat().flatMap((s) => (s.name === 'switchboard_errors_total' ? [s.labels.code ?? '?'] : [])),
    );
    const failures = Object.fromEntries([...codes].map((code) => [code, moved('switchboard_errors_total', { code })]));
    t.diagnostic(`failures answered by the gateways: ${JSON.stringify(failures)}`);
    assert.deepEqual(
      Object.entries(failures).filter(([code, n]) => code !== 'UNAVAILABLE' && n > 0),
      [],
      'no failure but UNAVAILABLE',
    );

    await assertEveryMessageOnce(alice, bob, room.id, result);

    // Every service's pool is back: a request that needs each one's database succeeds.
    const probe = await connectClient(cluster.url, signToken(cluster.jwtSecret, 'alice', { name: 'alice' }));
    probes.push(probe);
    const answered = async (event: Parameters<E2eClient['request']>[0], payload: unknown) => {
      const ack = await waitFor(
        async () => {
          const reply = await probe.request(event, payload, BUS_TIMEOUT_MS + 2000);
          return reply.success ? reply : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 200, what: `${event} succeeds after the restarts` },
      );
      assert.equal(ack.success, true);
    };
    await answered('notification:getUnreadCount', {}); // notification
    await answered('location:update', fix({ latitude: 52.5, longitude: 13.4 })); // presence (geofences)
    await answered('call:initiate', { recipientId: 'bob', callType: 'audio' }); // call-signaling
    await answered('message:history', { roomId: room.id, limit: 1 }); // messaging

    assert.deepEqual(await processPids(cluster), pidsBefore, 'no process restarted');
  });
});
