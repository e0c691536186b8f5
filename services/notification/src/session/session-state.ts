import { type Db, sql } from '@switchboard/db';
import type { Principal } from '@switchboard/protocol';

export interface SessionState {
  /** The user's topics, alphabetically. */
  topics: string[];
  /** Unread notifications of the user. */
  unreadCount: number;
}

/**
 * What a new socket needs, in one statement: the user's role remembered (who a `to: { role }`
 * notification is persisted for), their topics and unread count. Every connect runs it, so it is
 * one statement on the pool (packages/db/src/sql.ts) rather than an upsert and two Prisma queries,
 * each compiled in WebAssembly on every call (the largest part of this service's CPU in a connect
 * burst: services/gateway/bench/connect-cpu.ts). A data-modifying CTE runs though nothing reads it.
 */
export async function openSessionState(db: Db, principal: Pick<Principal, 'userId' | 'role'>): Promise<SessionState> {
  const { userId, role } = principal;
  const rows = await sql<{ topics: string[] | null; unread: number }>(
    db,
    `WITH seen AS (
       INSERT INTO "NotificationUser" ("id", "role", "lastSeenAt") VALUES ($1, $2, now())
       ON CONFLICT ("id") DO UPDATE SET "role" = EXCLUDED."role", "lastSeenAt" = now()
     )
     SELECT
       (SELECT array_agg("topic" ORDER BY "topic") FROM "TopicSubscription" WHERE "userId" = $1) AS topics,
       (SELECT count(*)::int FROM "NotificationRecipient" WHERE "userId" = $1 AND "readAt" IS NULL) AS unread`,
    [userId, role],
  );
  const row = rows[0];
  return { topics: row?.topics ?? [], unreadCount: row?.unread ?? 0 };
}
