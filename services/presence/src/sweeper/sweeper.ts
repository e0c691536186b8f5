import type { Logger } from '@switchboard/runtime';
import type { PublishPresence } from '../fanout/presence-publisher.ts';
import type { PresenceStore } from '../store/presence-store.ts';
import type { SweptSocketsListener } from './swept-sockets.ts';
import type { PresenceTiming } from './timing.ts';

/** Gateways per reap script call: bounds how long one call blocks Redis. */
const REAP_BATCH = 100;

export interface SweeperDeps {
  store: PresenceStore;
  publish: PublishPresence;
  timing: PresenceTiming;
  log: Logger;
  /** Told of every socket a reap removed (their gateway sent no `session:close`). */
  onSwept?: SweptSocketsListener;
  now?: () => number;
}

/**
 * Two timers every presence process runs: reap gateways whose heartbeats stopped, and set idle
 * users `away`. The store's scripts are atomic, so several processes sweeping at once publish
 * each change once. Returns the stop function (waits for a sweep in progress).
 */
export function startSweeper({
  store,
  publish,
  timing,
  log,
  onSwept,
  now = Date.now,
}: SweeperDeps): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const guard = (name: string, sweep: () => Promise<void>) => () => {
    if (stopped) return;
    running = running
      .then(sweep)
      .catch((error: unknown) => log.error({ err: error, sweep: name }, 'presence sweep failed'));
  };

  const reap = guard('offline', async () => {
    // One script call handles a bounded batch of gateways: loop until a batch comes back short.
    // Not until a batch changes nothing: idle gateways, or users still online elsewhere, give
    // batches with no visible change while expired gateways remain behind them.
    for (;;) {
      const { gateways, sockets, changes } = await store.reapGateways(now(), REAP_BATCH);
      if (sockets.length > 0) onSwept?.(sockets);
      if (changes.length > 0) {
        log.info({ gateways, users: changes.length }, 'reaped expired gateway sockets');
        await publish(changes);
      }
      if (gateways < REAP_BATCH) return;
    }
  });
  const idle = guard('away', async () => {
    const at = now();
    await publish(await store.markIdle(at - timing.awayAfterMs, at, 1000));
  });

  const timers = [setInterval(reap, timing.sweepIntervalMs), setInterval(idle, timing.awaySweepIntervalMs)];
  for (const timer of timers) timer.unref();
  return async () => {
    stopped = true;
    for (const timer of timers) clearInterval(timer);
    await running;
  };
}
