import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { areaOf, summarizeProfile } from './cpuprofile.ts';
import { hopBreakdown } from './hops.ts';

describe('profile and hop summaries', () => {
  test('self time per function and per package, idle left out', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const summary = summarizeProfile({
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        { id: 3, callFrame: frame('inc', 'file:///r/node_modules/prom-client/lib/counter.js') },
        { id: 4, callFrame: frame('writeBatch', 'file:///r/services/messaging/dist/commit/batch-writer.js') },
        { id: 5, callFrame: frame('(garbage collector)', '') },
      ],
      samples: [2, 3, 3, 4, 5, 2],
      timeDeltas: [1000, 2000, 2000, 1000, 500, 3000],
      startTime: 0,
      endTime: 10_000,
    });
    assert.equal(summary.totalMs, 10);
    assert.equal(summary.busyMs, 6);
    assert.equal(summary.gcMs, 0.5);
    assert.deepEqual(summary.topFunctions[0], { name: 'inc', where: 'prom-client:10', selfMs: 4 });
    assert.deepEqual(summary.byArea[0], { area: 'prom-client', selfMs: 4 });
    assert.equal(areaOf('node:internal/streams/writable'), 'node:internals');
    assert.equal(areaOf('file:///r/node_modules/@socket.io/redis-adapter/dist/index.js'), '@socket.io/redis-adapter');
    assert.equal(areaOf('file:///r/services/gateway/dist/x.js'), 'services/gateway');
  });

  test('hops from two scrapes of the gateways and messaging; event-loop delay per process', () => {
    const gateway = (count: number, sum: number) =>
      [
        `switchboard_ack_seconds_bucket{le="0.01",event="message:send",service="gateway"} ${count}`,
        `switchboard_ack_seconds_bucket{le="+Inf",event="message:send",service="gateway"} ${count}`,
        `switchboard_ack_seconds_sum{event="message:send",service="gateway"} ${sum}`,
        `switchboard_ack_seconds_count{event="message:send",service="gateway"} ${count}`,
        'nodejs_eventloop_lag_p99_seconds{service="gateway"} 0.0205',
      ].join('\n');
    const before = [
      { name: 'gateway-1', text: gateway(0, 0) },
      { name: 'gateway-2', text: gateway(0, 0) },
      { name: 'messaging', text: '' },
    ];
    const after = [
      { name: 'gateway-1', text: gateway(10, 0.04) },
      { name: 'gateway-2', text: gateway(30, 0.12) },
      { name: 'messaging', text: '' },
    ];
    const { hops, eventLoop } = hopBreakdown(before, after);
    assert.equal(hops.length, 1, 'only hops observed in between are listed');
    assert.equal(hops[0]!.count, 40);
    assert.equal(hops[0]!.meanMs, 4);
    assert.equal(hops[0]!.p50LeMs, 10);
    assert.deepEqual(eventLoop[0], { process: 'gateway-1', p50Ms: null, p99Ms: 20.5, maxMs: null });
  });
});
