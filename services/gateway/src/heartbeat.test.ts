import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACTIVITY_THROTTLE_MS, createActivityThrottle, heartbeatIntervalMs } from './heartbeat.ts';

describe('heartbeat interval', () => {
  test('is a third of the offline bound, at most ten seconds', () => {
    assert.equal(heartbeatIntervalMs(30_000), 10_000);
    assert.equal(heartbeatIntervalMs(300_000), 10_000);
    assert.equal(heartbeatIntervalMs(9_000), 3_000);
  });
});

describe('activity throttle', () => {
  test('reports a socket at most once per window, starting a window after connect', () => {
    let clock = 0;
    const throttle = createActivityThrottle(ACTIVITY_THROTTLE_MS, () => clock);
    throttle.opened('s1');
    clock += 1000;
    assert.equal(throttle.due('s1'), false);
    clock += ACTIVITY_THROTTLE_MS;
    assert.equal(throttle.due('s1'), true);
    assert.equal(throttle.due('s1'), false);
    clock += ACTIVITY_THROTTLE_MS;
    assert.equal(throttle.due('s1'), true);
  });

  test('sockets are throttled independently and forgotten when closed', () => {
    let clock = 100_000;
    const throttle = createActivityThrottle(ACTIVITY_THROTTLE_MS, () => clock);
    throttle.opened('a');
    clock += ACTIVITY_THROTTLE_MS;
    assert.equal(throttle.due('a'), true);
    throttle.opened('b');
    assert.equal(throttle.due('b'), false);
    throttle.closed('a');
    assert.equal(throttle.due('a'), true, 'an unknown socket is due');
  });
});
