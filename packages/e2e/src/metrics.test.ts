// Issue 3, "Done means": /metrics of every process of the real cluster (nginx, two gateways,
// messaging, presence, call-signaling, notification on Redis and Postgres) is scraped on its own
// private port before and after a small load through nginx, and the counters the load must move
// have moved — by exactly the amount the load explains, where the amount is deterministic. A
// service's counters are summed over its replicas (E2E_REPLICAS may run several of each), since
// which replica handles a command is the bus's choice, not the load's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ClusterServiceName } from '@switchboard/cli';
import { signToken } from '@switchboard/runtime';
import { waitFor } from '@switchboard/testkit';
import { connectClient, type E2eClient } from './client.ts';
import { type ClusterProcess, type RunningCluster, serviceProcessNames, startCluster } from './cluster-harness.ts';
import { fix, mapAddressesToGateways, record, requestJson } from './presence-helpers.ts';
import { delta, parsePrometheusText, type Sample, sumOf } from './prometheus-text.ts';

describe('prometheus text parser', () => {
  test('reads names, escaped labels, special values and timestamps; skips comments', () => {
    const samples = parsePrometheusText(
      [
        '# HELP x_total A counter',
        '# TYPE x_total counter',
        'x_total{event="message:send",service="gateway"} 4',
        'x_total{event="a\\"b\\\\c\\nd"} 1 1700000000000',
        'up 1',
        'h_bucket{le="+Inf"} +Inf',
        'nan_gauge NaN',
        'lag_seconds{service="gateway"} Nan', // prom-client's spelling
        '',
      ].join('\n'),
    );
    assert.equal(samples.length, 6);
    assert.ok(Number.isNaN(samples[5]!.value));
    assert.deepEqual(samples[0], { name: 'x_total', labels: { event: 'message:send', service: 'gateway' }, value: 4 });
    assert.deepEqual(samples[1]!.labels, { event: 'a"b\\c\nd' });
    assert.equal(samples[1]!.value, 1);
    assert.equal(samples[3]!.value, Infinity);
    assert.ok(Number.isNaN(samples[4]!.value));
    assert.equal(sumOf(samples, 'x_total'), 5);
    assert.equal(sumOf(samples, 'x_total', { event: 'message:send' }), 4);
    assert.equal(sumOf(samples, 'x_total', { event: 'nope' }), 0);
    assert.equal(
      delta(samples, parsePrometheusText('x_total{event="message:send"} 7'), 'x_total', { event: 'message:send' }),
      3,
    );
  });

  test('refuses malformed lines', () => {
    assert.throws(() => parsePrometheusText('x_total{event="open} 1'), /line 1: bad label/);
    assert.throws(() => parsePrometheusText('x_total abc'), /bad value/);
    assert.throws(() => parsePrometheusText('{a="b"} 1'), /no metric name/);
  });
});

/** message:send per sending user (one sender per gateway). */
const N = 5;
const SETTLE = { timeoutMs: 10_000 };

const scrape = async (p: ClusterProcess): Promise<Sample[]> => {
  // Straight to the process's own port: nginx does not expose /metrics (asserted below).
  const response = await fetch(`http://127.0.0.1:${p.port}/metrics`);
  assert.equal(response.status, 200, `${p.name} /metrics`);
  return parsePrometheusText(await response.text());
};

describe('/metrics of every cluster process moves under load through nginx', () => {
  let cluster: RunningCluster;
  const clients: E2eClient[] = [];
  const baseline = new Map<string, Sample[]>();
  /** Per gateway: its two users' clients; the first of each gateway sends messages. */
  const onGateway = new Map<string, { sender: E2eClient; other: E2eClient }>();
  let roomId = '';

  const token = (userId: string) => signToken(cluster.jwtSecret, userId, { name: `User ${userId}` });
  const moved = (name: string, after: Sample[], metric: string, labels: Record<string, string> = {}) =>
    delta(baseline.get(name)!, after, metric, labels);
  /** Every replica of `service` scraped: its samples by process name. */
  const scrapeService = async (service: ClusterServiceName): Promise<Map<string, Sample[]>> =>
    new Map(await Promise.all(cluster.processesOf(service).map(async (p) => [p.name, await scrape(p)] as const)));
  /** How far a counter moved since the baseline, summed over every replica of the service. */
  const movedIn = (after: Map<string, Sample[]>, metric: string, labels: Record<string, string> = {}) =>
    [...after].reduce((sum, [name, samples]) => sum + moved(name, samples, metric, labels), 0);
  /** Scrape until `done` holds (service counters move just after the ack); the last scrape either way. */
  const scrapeServiceUntil = async (service: ClusterServiceName, done: (s: Map<string, Sample[]>) => boolean) => {
    let last = await scrapeService(service);
    await waitFor(async () => done((last = await scrapeService(service))), SETTLE).catch(() => undefined);
    return last;
  };

  before(async () => {
    // The calls this suite starts keep ringing until it is done (the gauge test counts them).
    cluster = await startCluster({ gateways: 2, env: { CALL_RING_TIMEOUT_MS: '600000' } });
    const byGateway = await mapAddressesToGateways(cluster.url, token('address-probe'));
    assert.equal(byGateway.size, 2, `every probe address landed on one gateway: ${JSON.stringify([...byGateway])}`);
    // Baseline once the probes are gone, so the connections gauge is back to zero.
    for (const g of cluster.gateways) {
      await waitFor(async () => sumOf(await scrape(g), 'switchboard_connections') === 0, {
        ...SETTLE,
        what: `${g.name} probes disconnected`,
      });
    }
    for (const p of cluster.processes) baseline.set(p.name, await scrape(p));

    for (const [gatewayId, addresses] of byGateway) {
      const connect = async (userId: string, localAddress: string) => {
        const client = await connectClient(cluster.url, token(userId), { localAddress });
        clients.push(client);
        assert.equal(client.connected().serverId, gatewayId);
        return client;
      };
      onGateway.set(gatewayId, {
        sender: await connect(`${gatewayId}-sender`, addresses[0]!),
        other: await connect(`${gatewayId}-other`, addresses.at(-1)!),
      });
    }
    const first = [...onGateway.values()][0]!;
    const userIds = [...onGateway.keys()].flatMap((g) => [`${g}-sender`, `${g}-other`]);
    const created = await first.sender.request('room:create', {
      type: 'group',
      name: 'metrics',
      memberIds: userIds.slice(1),
    });
    assert.equal(created.success, true, JSON.stringify(created));
    if (!created.success) return;
    roomId = created.room.id;
    for (const { sender, other } of onGateway.values()) {
      for (const client of [sender, other]) assert.equal((await client.request('room:join', { roomId })).success, true);
    }
    // Messages from the second gateway's sender, received across gateways by the first's other user.
    const arrived = record(first.other, 'message:new');

    // The same small load on each gateway (one call:initiate and one bad payload per gateway).
    for (const [gatewayId, { sender, other }] of onGateway) {
      for (let i = 0; i < N; i++) {
        const sent = await sender.request('message:send', { roomId, content: `${gatewayId} ${i}` });
        assert.equal(sent.success, true, JSON.stringify(sent));
      }
      const subscribed = await other.request('presence:subscribe', { userIds: [`${gatewayId}-sender`] });
      assert.equal(subscribed.success, true, JSON.stringify(subscribed));
      assert.deepEqual(await other.request('presence:setStatus', { status: 'busy' }), { success: true });
      const located = await sender.request('location:update', fix({ latitude: 52.5, longitude: 13.4 }));
      assert.equal(located.success, true, JSON.stringify(located));
      assert.deepEqual(await sender.request('message:send', 'not an object'), {
        success: false,
        code: 'INVALID_PAYLOAD',
        error: 'Payload must be an object',
      });
      // They share the room: the call rings (and is left to ring; nothing here waits for it).
      const call = await sender.request('call:initiate', { recipientId: `${gatewayId}-other`, callType: 'audio' });
      assert.equal(call.success, true, JSON.stringify(call));
    }
    // One command of the notification service, from the first gateway.
    const unread = await first.sender.request('notification:getUnreadCount', {});
    assert.deepEqual(unread, { success: true, unreadCount: 0 });
    await waitFor(() => arrived.filter((m) => m.roomId === roomId).length === 2 * N, {
      ...SETTLE,
      what: `${2 * N} messages at one member`,
    });
  });

  after(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  test('every process serves Prometheus text with process metrics on its own port; nginx exposes no /metrics', async () => {
    assert.deepEqual(
      cluster.processes.map((p) => p.name),
      [...cluster.gateways.map((g) => g.name), ...serviceProcessNames(cluster.replicas)],
    );
    for (const p of cluster.processes) {
      const samples = await scrape(p);
      assert.ok(sumOf(samples, 'process_cpu_seconds_total') > 0, `${p.name} process_cpu_seconds_total`);
      assert.ok(sumOf(samples, 'process_resident_memory_bytes') > 0, `${p.name} process_resident_memory_bytes`);
    }
    assert.equal((await fetch(`${cluster.url}/metrics`)).status, 404);
    assert.equal((await fetch(`${cluster.url}/api/metrics`)).status, 404);
  });

  test('each gateway: connections, events in by name, ack latency, errors by code, bus round trips', async () => {
    const first = onGatewayFirst();
    for (const { name } of cluster.gateways) {
      const after = await scrape(cluster.gateways.find((g) => g.name === name)!);
      const events = (event: string) => moved(name, after, 'switchboard_events_in_total', { event });
      const got = {
        connections: sumOf(after, 'switchboard_connections'),
        'message:send in': events('message:send'),
        'room:join in': events('room:join'),
        'presence:subscribe in': events('presence:subscribe'),
        'presence:setStatus in': events('presence:setStatus'),
        'location:update in': events('location:update'),
        'call:initiate in': events('call:initiate'),
        'message:send acks': moved(name, after, 'switchboard_ack_seconds_count', { event: 'message:send' }),
        'call:initiate acks': moved(name, after, 'switchboard_ack_seconds_count', { event: 'call:initiate' }),
        INVALID_PAYLOAD: moved(name, after, 'switchboard_errors_total', { code: 'INVALID_PAYLOAD' }),
        UNAVAILABLE: moved(name, after, 'switchboard_errors_total', { code: 'UNAVAILABLE' }),
        'bus message:send': moved(name, after, 'switchboard_bus_request_seconds_count', {
          service: 'messaging',
          command: 'message:send',
        }),
        'bus call:initiate': moved(name, after, 'switchboard_bus_request_seconds_count', {
          service: 'call-signaling',
          command: 'call:initiate',
        }),
      };
      assert.deepEqual(
        got,
        {
          connections: 2,
          'message:send in': N + 1, // N good + the bad payload: counted on arrival
          'room:join in': 2,
          'presence:subscribe in': 1,
          'presence:setStatus in': 1,
          'location:update in': 1,
          'call:initiate in': 1,
          'message:send acks': N + 1,
          'call:initiate acks': 1,
          INVALID_PAYLOAD: 1,
          UNAVAILABLE: 0, // every service answers its commands
          'bus message:send': N, // the bad payload never reaches the bus
          'bus call:initiate': 1,
        },
        `${name} (first gateway: ${first})`,
      );
      // Its two sockets' sessions go to messaging in one sessions:open, or two if they connected
      // more than SESSION_WINDOW_MS apart.
      const sessionBatches = moved(name, after, 'switchboard_bus_request_seconds_count', {
        service: 'messaging',
        command: 'sessions:open',
      });
      assert.ok(sessionBatches >= 1 && sessionBatches <= 2, `${name} sessions:open requests: ${sessionBatches}`);
      assert.ok(
        moved(name, after, 'switchboard_ack_seconds_sum', { event: 'message:send' }) > 0,
        `${name} ack latency sum`,
      );
    }
  });

  test('messaging: bus commands handled, messages persisted, database latency observed', async () => {
    const want = { send: 2 * N, create: 1, join: 4, persisted: 2 * N };
    const count = (after: Map<string, Sample[]>) => ({
      send: movedIn(after, 'switchboard_bus_handled_total', { command: 'message:send', outcome: 'ok' }),
      create: movedIn(after, 'switchboard_bus_handled_total', { command: 'room:create', outcome: 'ok' }),
      join: movedIn(after, 'switchboard_bus_handled_total', { command: 'room:join', outcome: 'ok' }),
      persisted: movedIn(after, 'switchboard_messages_persisted_total'),
    });
    const after = await scrapeServiceUntil('messaging', (s) => count(s).send >= want.send);
    assert.deepEqual(count(after), want);
    // Group commit: one timed batch may hold several messages, so at least one and at most 2N.
    const batches = movedIn(after, 'switchboard_db_query_seconds_count', { operation: 'message_batch' });
    assert.ok(batches >= 1 && batches <= 2 * N, `message_batch timings: ${batches}`);
    assert.ok(movedIn(after, 'switchboard_db_query_seconds_sum') > 0);
    // Every SQL statement is timed by kind, not only the batches. (No `update` here: the group
    // commit's seq update runs inside switchboard_commit_batch, a `select`.)
    for (const operation of ['select', 'insert']) {
      assert.ok(movedIn(after, 'switchboard_db_query_seconds_count', { operation }) > 0, `messaging db ${operation}`);
    }
    // Services count broadcasts (one per message), gateways count deliveries per socket.
    assert.equal(movedIn(after, 'switchboard_events_out_total', { event: 'message:new' }), 2 * N);
    for (const gateway of cluster.gateways) {
      assert.ok(
        moved(gateway.name, await scrape(gateway), 'switchboard_events_out_total', {
          event: 'message:new',
        }) > 0,
        `${gateway.name} delivered message:new`,
      );
    }
  });

  test('presence: bus commands handled for subscribe, setStatus, location and session open', async () => {
    const handled = (s: Map<string, Sample[]>, command: string) =>
      movedIn(s, 'switchboard_bus_handled_total', { command, outcome: 'ok' });
    const after = await scrapeServiceUntil(
      'presence',
      (s) => handled(s, 'location:update') >= 2 && handled(s, 'sessions:open') >= 2,
    );
    assert.deepEqual(
      {
        subscribe: handled(after, 'presence:subscribe'),
        setStatus: handled(after, 'presence:setStatus'),
        location: handled(after, 'location:update'),
      },
      { subscribe: 2, setStatus: 2, location: 2 },
    );
    // Sessions arrive by bus.send in one batch per gateway window: at least one from each of the
    // two gateways (the probes' late ones may still land after the baseline).
    assert.ok(handled(after, 'sessions:open') >= 2, `sessions:open handled: ${handled(after, 'sessions:open')}`);
  });

  test('call-signaling handles call:initiate; its live calls are a gauge read from Postgres', async () => {
    const initiated = (s: Map<string, Sample[]>) =>
      movedIn(s, 'switchboard_bus_handled_total', { command: 'call:initiate', outcome: 'ok' });
    const after = await scrapeServiceUntil('call-signaling', (s) => initiated(s) >= 2);
    assert.equal(initiated(after), 2);
    // Read from Postgres at scrape time: every replica reports the whole cluster's figure.
    for (const [name, samples] of after) {
      assert.equal(
        sumOf(
          samples.filter((x) => x.labels.state === 'ringing'),
          'switchboard_calls_active',
        ),
        2,
        `${name} switchboard_calls_active{state="ringing"}`,
      );
    }
  });

  test('notification: the bus counts the handled command by name', async () => {
    const handledUnread = (s: Map<string, Sample[]>) =>
      movedIn(s, 'switchboard_bus_handled_total', {
        command: 'notification:getUnreadCount',
        outcome: 'ok',
      });
    const after = await scrapeServiceUntil('notification', (s) => handledUnread(s) >= 1);
    assert.equal(handledUnread(after), 1);
  });

  test('/api/stats through nginx: both gateways, connections, rooms', async () => {
    const stats = await requestJson(`${cluster.url}/api/stats`, 'GET', undefined);
    assert.equal(stats.status, 200, JSON.stringify(stats.body));
    const gateways = stats.body.gateways as { gatewayId: string; connections: number }[];
    assert.deepEqual(gateways.map((g) => g.gatewayId).sort(), cluster.gateways.map((g) => g.name).sort());
    assert.ok((stats.body.connections as number) > 0, `connections ${String(stats.body.connections)}`);
    assert.equal(typeof stats.body.rooms, 'number', JSON.stringify(stats.body));
    assert.ok((stats.body.rooms as number) >= 1);
  });

  function onGatewayFirst(): string {
    return [...onGateway.keys()][0]!;
  }
});
