// /metrics under real traffic: the gateway and messaging run in-process (as in `npm start`),
// real socket.io clients create a room and exchange messages, and the Prometheus text of both
// processes must show the counters moving.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from '@switchboard/protocol';
import { flushPrefix, testPrefix, testRedis, waitFor } from '@switchboard/testkit';
import { type Client, type InProcessSwitchboard, sampleValue, startInProcess } from './testing/in-process.ts';

const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();

/** Alice creates a room with Bob, sends `count` messages, Bob receives them. */
async function converse(alice: Client, bob: Client, count: number, idOf?: (i: number) => string): Promise<void> {
  const created = await alice
    .timeout(5000)
    .emitWithAck('room:create', { type: 'group', name: 'metrics', memberIds: ['bob'] });
  assert.equal(created.success, true, JSON.stringify(created));
  if (!created.success) return;
  const received: Message[] = [];
  bob.on('message:new', (m) => received.push(m));
  for (let i = 0; i < count; i++) {
    const sent = await alice.timeout(5000).emitWithAck('message:send', {
      roomId: created.room.id,
      content: `hello ${i}`,
      ...(idOf ? { clientMessageId: idOf(i) } : {}),
    });
    assert.equal(sent.success, true, JSON.stringify(sent));
  }
  await waitFor(() => received.length === count, { what: `${count} messages at bob` });
}

describe('metrics move under load (MemoryBus, embedded wiring)', () => {
  let app: InProcessSwitchboard;
  before(async () => {
    app = await startInProcess('memory');
  });
  after(async () => {
    await app.close();
  });

  test('the gateway counts connections, events in, ack latency and errors by code', async () => {
    const before = await scrape(app.gatewayUrl);
    assert.equal(sampleValue(before, 'switchboard_connections'), 0);
    const alice = await app.connect('alice');
    const bob = await app.connect('bob');
    assert.equal(sampleValue(await scrape(app.gatewayUrl), 'switchboard_connections'), 2);

    await converse(alice, bob, 3);
    const bad = await alice.timeout(5000).emitWithAck('message:send', { roomId: 42 } as never);
    assert.equal(bad.success, false);

    const after = await scrape(app.gatewayUrl);
    assert.equal(sampleValue(after, 'switchboard_events_in_total', { event: 'message:send' }), 4);
    assert.equal(sampleValue(after, 'switchboard_events_in_total', { event: 'room:create' }), 1);
    assert.equal(sampleValue(after, 'switchboard_ack_seconds_count', { event: 'message:send' }), 4);
    assert.ok(sampleValue(after, 'switchboard_ack_seconds_sum', { event: 'message:send' }) > 0);
    assert.equal(sampleValue(after, 'switchboard_errors_total', { code: 'INVALID_PAYLOAD' }), 1);
    assert.ok(sampleValue(after, 'process_resident_memory_bytes') > 0, 'process metrics are collected');

    const stats = (await (await fetch(`${app.gatewayUrl}/api/stats`)).json()) as {
      connections: number;
      messagesPerSecond: number;
    };
    assert.equal(stats.connections, 2);
    assert.ok(stats.messagesPerSecond > 0);

    bob.close();
    await waitFor(async () => sampleValue(await scrape(app.gatewayUrl), 'switchboard_connections') === 1, {
      what: 'connections gauge to drop',
    });
  });

  test('messaging reports database latency and persisted messages', async () => {
    const text = await scrape(app.messagingUrl);
    assert.ok(sampleValue(text, 'switchboard_db_query_seconds_count') >= 1, 'a database write was timed');
    assert.equal(sampleValue(text, 'switchboard_messages_persisted_total'), 3);
  });
});

describe('metrics move under load (RedisBus, cluster wiring)', () => {
  const prefix = testPrefix('bench-metrics');
  const redis = testRedis();
  let app: InProcessSwitchboard;
  before(async () => {
    app = await startInProcess({ prefix });
  });
  after(async () => {
    await app.close();
    await flushPrefix(redis, prefix);
    redis.disconnect();
  });

  test('bus round trips are timed at the gateway and commands counted at messaging', async () => {
    const alice = await app.connect('alice');
    const bob = await app.connect('bob');
    await converse(alice, bob, 2);
    const gateway = await scrape(app.gatewayUrl);
    assert.ok(sampleValue(gateway, 'switchboard_bus_request_seconds_count', { command: 'message:send' }) >= 2);
    const messaging = await scrape(app.messagingUrl);
    assert.ok(sampleValue(messaging, 'switchboard_bus_handled_total', { command: 'message:send', outcome: 'ok' }) >= 2);
    assert.equal(sampleValue(messaging, 'switchboard_messages_persisted_total'), 2);
  });
});

describe('the hop trace follows a sampled message through every process (RedisBus, HOP_TRACE_EVERY=1)', () => {
  const prefix = testPrefix('bench-hops');
  const redis = testRedis();
  let app: InProcessSwitchboard;
  before(async () => {
    app = await startInProcess({ prefix }, { hopTraceEvery: 1 });
  });
  after(async () => {
    await app.close();
    await flushPrefix(redis, prefix);
    redis.disconnect();
  });

  test('each hop is marked once per message, in path order, at /debug/hops of the process it ran in', async () => {
    const alice = await app.connect('alice');
    const bob = await app.connect('bob');
    await converse(alice, bob, 2, (i) => `trace-${i}`);
    const marksOf = async (url: string) =>
      ((await (await fetch(`${url}/debug/hops`)).json()) as { marks: { key: string; hop: string; at: number }[] })
        .marks;
    await waitFor(async () => (await marksOf(app.gatewayUrl)).filter((m) => m.key === 'trace-1').length === 7, {
      what: 'the gateway marks of trace-1',
    });
    const all = [...(await marksOf(app.gatewayUrl)), ...(await marksOf(app.messagingUrl))];
    const path = all
      .filter((m) => m.key === 'trace-1')
      .sort((a, b) => a.at - b.at)
      .map((m) => m.hop);
    assert.deepEqual(new Set(path).size, path.length, `each hop once: ${path.join(', ')}`);
    for (const [earlier, later] of [
      ['request received', 'bus XADD done'],
      ['bus XADD sent', 'bus entry read'],
      ['bus entry read', 'bus handler starts (done key taken)'],
      ['bus handler starts (done key taken)', 'commit starts'],
      ['commit starts', 'commit ends'],
      ['commit ends', 'message:new emitted'],
      ['message:new emitted', 'broadcast starts'],
      ['broadcast starts', 'written to every local socket'],
      ['bus reply sent (stored, published, acked)', 'bus reply received'],
      ['bus reply received', 'ack sent'],
    ] as const) {
      assert.ok(path.includes(earlier) && path.includes(later), `${earlier} and ${later} in ${path.join(', ')}`);
      assert.ok(path.indexOf(earlier) < path.indexOf(later), `${earlier} before ${later}: ${path.join(', ')}`);
    }
  });
});
