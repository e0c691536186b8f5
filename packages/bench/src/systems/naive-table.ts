import type { Db } from '@switchboard/db';

/**
 * The naive baseline keeps its messages in a table of its own, so it does not depend on the
 * messaging service's schema (seq, rooms, idempotency keys) while still paying one insert each.
 */
export const NAIVE_TABLE = 'bench_naive_messages';

export async function createNaiveTable(db: Db): Promise<void> {
  await db.$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS ${NAIVE_TABLE} (
       id text PRIMARY KEY,
       room_id text NOT NULL,
       sender_id text NOT NULL,
       content text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
}
