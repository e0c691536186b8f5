import type { Logger } from '@switchboard/runtime';

/**
 * One shutdown path for every process: the first SIGTERM/SIGINT runs `stop` once, a second
 * signal or the deadline forces the exit. Unhandled rejections are logged, not swallowed.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>, deadlineMs = 15_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown deadline passed: exiting');
      process.exit(1);
    }, deadlineMs);
    force.unref();
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
}
