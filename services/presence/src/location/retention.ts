import type { Db } from '@switchboard/db';
import type { Logger } from '@switchboard/runtime';

const DAY_MS = 24 * 3600 * 1000;

/** Delete history older than the retention now and then every `intervalMs`. Returns the stop function. */
export function startRetention(db: Db, log: Logger, retentionDays: number, intervalMs = 3600_000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = db.locationSample
      .deleteMany({ where: { recordedAt: { lt: new Date(Date.now() - retentionDays * DAY_MS) } } })
      .then(({ count }) => {
        if (count > 0) log.info({ count }, 'location history expired');
      })
      .catch((error: unknown) => log.error({ err: error }, 'location retention failed'));
  };
  sweep();
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
