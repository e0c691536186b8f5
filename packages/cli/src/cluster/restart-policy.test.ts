// The restart policy as arithmetic: backoff doubles to its cap, a stable run resets it, and more
// than maxRestarts crashes in a row is a crash loop. (supervisor.test.ts drives real processes.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay, DEFAULT_RESTART_POLICY, type RestartPolicy, RestartTracker } from './restart-policy.ts';

const policy: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 1000, stableAfterMs: 5000, maxRestarts: 6 };

describe('restart policy', () => {
  test('the defaults restart within 1 s first, double to a 30 s cap and reset after a stable minute', () => {
    assert.ok(DEFAULT_RESTART_POLICY.initialDelayMs <= 1000);
    const delays = Array.from({ length: DEFAULT_RESTART_POLICY.maxRestarts }, (_, i) =>
      backoffDelay(DEFAULT_RESTART_POLICY, i + 1),
    );
    assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000]);
    assert.equal(DEFAULT_RESTART_POLICY.stableAfterMs, 60_000);
  });

  test('quick crashes double the delay up to the cap, then the next one gives up', () => {
    const tracker = new RestartTracker(policy);
    let t = 0;
    const decisions = Array.from({ length: 7 }, () => tracker.onCrash(t, (t += 10)));
    assert.deepEqual(
      decisions.slice(0, 6).map((d) => d.action === 'restart' && [d.attempt, d.delayMs]),
      [
        [1, 100],
        [2, 200],
        [3, 400],
        [4, 800],
        [5, 1000],
        [6, 1000],
      ],
    );
    assert.deepEqual(decisions[6], { action: 'give-up', crashes: 7 });
  });

  test('a run of stableAfterMs resets the backoff and the crash count', () => {
    const tracker = new RestartTracker(policy);
    tracker.onCrash(0, 10);
    tracker.onCrash(20, 30);
    assert.deepEqual(
      tracker.onCrash(40, 4000),
      { action: 'restart', delayMs: 400, attempt: 3 },
      'just short of stable',
    );
    assert.deepEqual(tracker.onCrash(4000, 9000), { action: 'restart', delayMs: 100, attempt: 1 }, 'up 5 s: stable');
    assert.deepEqual(tracker.onCrash(9000, 9010), { action: 'restart', delayMs: 200, attempt: 2 });
  });
});
