import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MemorySample } from './memory.ts';
import { checkpointTable, verdictText } from './report.ts';
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

describe('soak report', () => {
  test('the verdict line names the outcome, the threshold and the signed deltas', () => {
    const ok = verdictText(judge(first, pass(sample(56), sample(32), sample(31.5)), 0, 4 * MiB));
    assert.match(ok, /rest: heap \+0\.5 MiB/);
    assert.match(ok, /verdict: no growth beyond noise \(threshold 4 MiB\)/);
    const grown = verdictText(judge(first, pass(sample(50), sample(32), sample(40)), 0, 4 * MiB));
    assert.match(grown, /connect\/disconnect: heap -6 MiB/);
    assert.match(grown, /verdict: GROWTH: post-GC heap after rest grew/);
  });

  test('the table has one row per checkpoint, handles by kind in a stable order', () => {
    const table = checkpointTable([
      {
        name: 'pass 1: 10 s rest',
        failed: undefined,
        seconds: 10,
        serverCpuSeconds: 0.3,
        driverCpuSeconds: 0,
        load1: 12.345,
        loop: { loopDelayP99Ms: 13.6, loopDelayMeanMs: 10.3, connections: 0 },
        memory: { ...sample(31), resources: { Timeout: 2, PipeWrap: 2 } },
      },
    ]);
    const rows = table.split('\n');
    assert.equal(rows.length, 3);
    assert.equal(
      rows[2],
      '| pass 1: 10 s rest | — | 10 | 0.3 / 0 | 12.3 | 31 | 131 | 5 / 1 | 0 | PipeWrap 2, Timeout 2 | 13.6 / 10.3 |',
    );
  });
});
