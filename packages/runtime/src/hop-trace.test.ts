import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createHopTrace, isSampled, wallClockMs } from './hop-trace.ts';

describe('hop trace', () => {
  test('off (every 0) samples nothing and keeps nothing', () => {
    const hops = createHopTrace(0);
    assert.equal(hops.enabled, false);
    assert.equal(hops.sampled('anything'), false);
    hops.mark('anything', 'hop');
    assert.deepEqual(hops.marks(), []);
  });

  test('samples about 1 in N keys, the same keys in every process', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `fanout-abc123-${i}`);
    const a = createHopTrace(20);
    const b = createHopTrace(20);
    const sampled = keys.filter((k) => a.sampled(k));
    assert.ok(sampled.length > 350 && sampled.length < 650, `${sampled.length} of 10,000 at 1 in 20`);
    assert.deepEqual(
      keys.filter((k) => b.sampled(k)),
      sampled,
    );
    assert.deepEqual(
      keys.filter((k) => isSampled(k, 20)),
      sampled,
    );
    assert.equal(a.sampled(undefined), false);
  });

  test('marks are wall-clock ms, oldest first, bounded by the ring', () => {
    const hops = createHopTrace(1, 3);
    const before = Date.now();
    for (const hop of ['a', 'b', 'c', 'd']) hops.mark('k', hop);
    const marks = hops.marks();
    assert.deepEqual(
      marks.map((m) => m.hop),
      ['b', 'c', 'd'],
    );
    for (const m of marks) assert.ok(m.at >= before - 1 && m.at <= Date.now() + 1, `${m.at} is wall-clock`);
    hops.mark('k', 'given', wallClockMs(0));
    assert.equal(hops.marks().at(-1)?.at, performance.timeOrigin);
  });
});
