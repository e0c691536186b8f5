import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MemorySample } from './memory.ts';
import { judge, type Pass } from './verdict.ts';

const MiB = 1024 * 1024;
const sample = (heapMiB: number, externalMiB = 5, timers = 2): MemorySample => ({
  heapUsedBytes: heapMiB * MiB,
  heapTotalBytes: (heapMiB + 4) * MiB,
  rssBytes: (heapMiB + 100) * MiB,
  externalBytes: externalMiB * MiB,
  arrayBuffersBytes: MiB,
  resources: { TCPSocketWrap: 3, Timeout: timers },
});
const pass = (cycles: MemorySample, messages: MemorySample, rest: MemorySample): Pass => ({
  checkpoints: { 'connect/disconnect': cycles, messages, rest },
});
const first = pass(sample(56), sample(32), sample(31));

describe('soak verdict', () => {
  test('pass 2 within the threshold of pass 1 at every checkpoint is no growth; the deltas are reported', () => {
    const verdict = judge(first, pass(sample(55.9), sample(33.5), sample(34.9, 5, 3)), 0, 4 * MiB);
    assert.equal(verdict.noGrowth, true);
    assert.deepEqual(verdict.reasons, []);
    assert.deepEqual(
      verdict.deltas.map((d) => [d.checkpoint, Math.round(d.heapDeltaBytes / 1024), d.resourcesDelta]),
      [
        ['connect/disconnect', -102, 0],
        ['messages', 1536, 0],
        ['rest', 3994, 1],
      ],
    );
  });

  test('heap or external memory beyond the threshold at any checkpoint is growth', () => {
    const heap = judge(first, pass(sample(56), sample(32), sample(35.5)), 0, 4 * MiB);
    assert.equal(heap.noGrowth, false);
    assert.match(heap.reasons.join(), /post-GC heap after rest grew/);
    const external = judge(first, pass(sample(56), sample(32, 10), sample(31)), 0, 4 * MiB);
    assert.equal(external.noGrowth, false);
    assert.match(external.reasons.join(), /external memory after messages grew/);
  });

  test('a single listener-leak warning fails the verdict whatever the heap did', () => {
    const verdict = judge(first, first, 1);
    assert.equal(verdict.noGrowth, false);
    assert.match(verdict.reasons.join(), /1 MaxListenersExceededWarning/);
  });

  test('passes with different checkpoints cannot be compared', () => {
    assert.throws(() => judge(first, { checkpoints: { rest: sample(31) } }, 0), /no checkpoint connect\/disconnect/);
  });
});
