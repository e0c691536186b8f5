import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { heartbeatIntervalMs } from './heartbeat.ts';

describe('heartbeat interval', () => {
  test('is a third of the offline bound, at most ten seconds', () => {
    assert.equal(heartbeatIntervalMs(30_000), 10_000);
    assert.equal(heartbeatIntervalMs(300_000), 10_000);
    assert.equal(heartbeatIntervalMs(9_000), 3_000);
  });
});
