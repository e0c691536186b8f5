import type { Db } from '@switchboard/db';
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
 * one round trip of raw SQL rather than an upsert and two Prisma queries, each compiled in
 * WebAssembly on every call (the largest part of this service's CPU in a connect burst:
 * services/gateway/bench/connect-cpu.ts). A data-modifying CTE runs even though nothing reads it.
 */
export async function openSessionState(db: Db, principal: Pick<Principal, 'userId' | 'role'>): Promise<SessionState> {
  const { userId, role } = principal;
  const rows = await db.$queryRaw<{ topics: string[] | null; unread: number }[]>`
    WITH seen AS (
      INSERT INTO "NotificationUser" ("id", "role", "lastSeenAt") VALUES (${userId}, ${role}, now())
      ON CONFLICT ("id") DO UPDATE SET "role" = EXCLUDED."role", "lastSeenAt" = now()
    )
    SELECT
      (SELECT array_agg("topic" ORDER BY "topic") FROM "TopicSubscription" WHERE "userId" = ${userId}) AS topics,
      (SELECT count(*)::int FROM "NotificationRecipient" WHERE "userId" = ${userId} AND "readAt" IS NULL) AS unread`;
  const row = rows[0];
  return { topics: row?.topics ?? [], unreadCount: row?.unread ?? 0 };
}
