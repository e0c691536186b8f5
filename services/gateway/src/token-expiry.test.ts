import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExpiryWheel } from './token-expiry.ts';

describe('ExpiryWheel', () => {
  const T0 = 1_700_000_000_000;

  test('hands out each socket once, in the tick after its second', () => {
    const wheel = new ExpiryWheel(T0);
    wheel.track('a', T0 + 1500);
    wheel.track('b', T0 + 3000);
    wheel.track('never', undefined);
    assert.deepEqual(wheel.due(T0 + 1000), []);
    assert.deepEqual(wheel.due(T0 + 2000), ['a']);
    assert.deepEqual(wheel.due(T0 + 2500), []);
    assert.deepEqual(wheel.due(T0 + 3000), ['b']);
    assert.deepEqual(wheel.due(T0 + 60_000), []);
    assert.equal(wheel.size, 0);
  });

  test('a refresh moves a socket, untrack forgets it, a past expiry is due at the next tick', () => {
    const wheel = new ExpiryWheel(T0);
    wheel.track('a', T0 + 1000);
    wheel.track('a', T0 + 10_000);
    wheel.track('gone', T0 + 1000);
    wheel.untrack('gone');
    assert.deepEqual(wheel.due(T0 + 5000), []);
    wheel.track('late', T0 - 60_000);
    assert.deepEqual(wheel.due(T0 + 6000), ['late']);
    assert.deepEqual(wheel.due(T0 + 10_000), ['a']);
  });

  test('10,000 sockets: a tick visits only the due second; a long pause walks the buckets, not the seconds', () => {
    const wheel = new ExpiryWheel(T0);
    for (let i = 0; i < 10_000; i++) wheel.track(`s${i}`, T0 + 3_600_000 + (i % 60) * 1000);
    assert.deepEqual(wheel.due(T0 + 1000), []);
    assert.equal(wheel.due(T0 + 3_600_000).length, 167, 'the sockets of that second only (i % 60 === 0)');
    // Years later (a clock jump): everything comes due at once.
    assert.equal(wheel.due(T0 + 10 * 365 * 86_400_000).length, 10_000 - 167);
    assert.equal(wheel.size, 0);
  });
});
