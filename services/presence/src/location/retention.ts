import { type Db, sql } from '@switchboard/db';
import type { Logger } from '@switchboard/runtime';

const DAY_MS = 24 * 3600 * 1000;

/** Delete history older than the retention now and then every `intervalMs`. Returns the stop function. */
export function startRetention(db: Db, log: Logger, retentionDays: number, intervalMs = 3600_000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    // On the pool, not Prisma: it runs at start and hourly in an otherwise idle service.
    running = sql<{ count: number }>(
      db,
      `WITH expired AS (
         DELETE FROM "LocationSample" WHERE "recordedAt" < ($1::timestamptz AT TIME ZONE 'UTC') RETURNING 1
       ) SELECT count(*)::int AS "count" FROM expired`,
      [new Date(Date.now() - retentionDays * DAY_MS)],
    )
      .then(([row]) => {
        const count = row?.count ?? 0;
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
