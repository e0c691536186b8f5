import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gaugeValue, histogramDelta, parsePrometheus, sumOf } from './prometheus.ts';

const scrape = (
  counts: [number, number, number],
  sum: number,
) => `# HELP switchboard_ack_seconds Time from request to ack
# TYPE switchboard_ack_seconds histogram
switchboard_ack_seconds_bucket{le="0.005",event="message:send",service="gateway"} ${counts[0]}
switchboard_ack_seconds_bucket{le="0.01",event="message:send",service="gateway"} ${counts[1]}
switchboard_ack_seconds_bucket{le="+Inf",event="message:send",service="gateway"} ${counts[2]}
switchboard_ack_seconds_sum{event="message:send",service="gateway"} ${sum}
switchboard_ack_seconds_count{event="message:send",service="gateway"} ${counts[2]}
switchboard_ack_seconds_count{event="room:join",service="gateway"} 7
nodejs_eventloop_lag_p99_seconds{service="gateway"} 0.0123
weird{a="x\\"y"} 1
`;

describe('prometheus scrapes', () => {
  test('samples with labels (escaped quotes too) and values', () => {
    const samples = parsePrometheus(scrape([1, 2, 3], 0.5));
    assert.equal(gaugeValue(samples, 'nodejs_eventloop_lag_p99_seconds'), 0.0123);
    assert.equal(sumOf(samples, 'switchboard_ack_seconds_count'), 10);
    assert.equal(sumOf(samples, 'switchboard_ack_seconds_count', { event: 'room:join' }), 7);
    assert.equal(samples.find((s) => s.name === 'weird')?.labels.a, 'x"y');
  });

  test('a histogram between two scrapes: count, mean and the buckets of p50 and p99', () => {
    const before = parsePrometheus(scrape([10, 10, 10], 0.03));
    // 100 more: 60 under 5 ms, 30 between 5 and 10 ms, 10 above.
    const after = parsePrometheus(scrape([70, 100, 110], 0.03 + 0.9));
    const delta = histogramDelta(before, after, 'switchboard_ack_seconds', { event: 'message:send' });
    assert.ok(delta);
    assert.equal(delta.count, 100);
    assert.ok(Math.abs(delta.meanMs - 9) < 1e-9);
    assert.equal(delta.p50LeMs, 5);
    assert.equal(delta.p99LeMs, Number.POSITIVE_INFINITY);
    assert.equal(histogramDelta(after, after, 'switchboard_ack_seconds'), undefined, 'nothing observed in between');
  });
});
