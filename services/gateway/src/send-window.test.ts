import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SendWindow } from './send-window.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A window over a list of items: what each send took, and when. */
function recorder(timing: { baseMs: number; maxMs?: number }) {
  let pending = 0;
  const sent: number[] = [];
  const window = new SendWindow(timing, () => {
    sent.push(pending);
    const n = pending;
    pending = 0;
    return n;
  });
  return {
    window,
    sent,
    add(n = 1) {
      for (let i = 0; i < n; i += 1) {
        pending += 1;
        window.added(false);
      }
    },
  };
}

describe('the send window', () => {
  test('a window that gathered several items doubles the next, up to the maximum', async () => {
    const r = recorder({ baseMs: 5, maxMs: 30 });
    const lengths = [r.window.windowMs];
    for (let round = 0; round < 4; round += 1) {
      r.add(3);
      await r.window.flush();
      lengths.push(r.window.windowMs);
    }
    assert.deepEqual(lengths, [5, 10, 20, 30, 30]);
    assert.deepEqual(r.sent, [3, 3, 3, 3]);
  });

  test('a window of a single item resets to the base, so a lone item waits only that', async () => {
    const r = recorder({ baseMs: 5, maxMs: 5_000 });
    for (let round = 0; round < 7; round += 1) {
      r.add(4);
      await r.window.flush();
    }
    assert.equal(r.window.windowMs, 640);
    r.add(1);
    await r.window.flush();
    assert.equal(r.window.windowMs, 5);
    const started = Date.now();
    r.add(1);
    while (r.sent.length < 9) await tick(1);
    // The grown window would have held it 640 ms; the base one sends it at once (slack for a busy machine).
    assert.ok(Date.now() - started < 400, 'the lone item went out after the base window, not the grown one');
  });

  test('without a maximum the window is fixed', async () => {
    const r = recorder({ baseMs: 5 });
    r.add(10);
    await r.window.flush();
    assert.equal(r.window.windowMs, 5);
  });

  test('a base of 0 still grows under a storm and returns to the next tick after it', async () => {
    const r = recorder({ baseMs: 0, maxMs: 8 });
    r.add(2);
    await r.window.flush();
    assert.equal(r.window.windowMs, 2);
    r.add(1);
    await r.window.flush();
    assert.equal(r.window.windowMs, 0);
  });

  test('a maximum below the base counts as the base', async () => {
    const r = recorder({ baseMs: 10, maxMs: 2 });
    r.add(5);
    await r.window.flush();
    assert.equal(r.window.windowMs, 10);
  });

  test('items added while the timer runs go out together when it ends', async () => {
    const r = recorder({ baseMs: 200, maxMs: 800 });
    r.add(1);
    await tick(5);
    r.add(2);
    while (r.sent.length < 1) await tick(2);
    assert.deepEqual(r.sent, [3]);
    assert.equal(r.window.windowMs, 400);
  });
});
