import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FRESH_MONITOR, type MonitorState, observe } from './monitor.ts';

/** Feeds values through one monitor (threshold 400, 3 samples) and lists the samples that raised. */
function run(values: number[], start: MonitorState = FRESH_MONITOR): { raisedAt: number[]; state: MonitorState } {
  let state = start;
  const raisedAt: number[] = [];
  values.forEach((value, i) => {
    const step = observe(state, value, 400, 3);
    state = step.state;
    if (step.raise) raisedAt.push(i);
  });
  return { raisedAt, state };
}

describe('quality monitor', () => {
  test('three consecutive samples above the threshold raise the issue once', () => {
    assert.deepEqual(run([500, 500, 500, 500, 900]).raisedAt, [2]);
  });

  test('a good sample in between breaks the run', () => {
    assert.deepEqual(run([500, 500, 100, 500, 500]).raisedAt, []);
  });

  test('the issue clears only after three samples below 80% of the threshold, then can be raised again', () => {
    // 350 is below the threshold but above the recovery band: it neither raises nor clears.
    const { raisedAt } = run([500, 500, 500, 350, 350, 350, 500, 500, 500, 300, 300, 300, 500, 500, 500]);
    assert.deepEqual(raisedAt, [2, 14]);
  });

  test('a value exactly at the threshold is not poor', () => {
    assert.deepEqual(run([400, 400, 400, 400]).raisedAt, []);
  });
});
