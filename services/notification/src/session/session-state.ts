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

/**
 * `openSessionState` for a gateway's batch of sessions in one statement: each user's role
 * remembered (a user with two sockets in the batch once, its last), then every user's topics and
 * unread count. Answers every user asked.
 */
export async function openSessionStates(
  db: Db,
  principals: Pick<Principal, 'userId' | 'role'>[],
): Promise<Map<string, SessionState>> {
  const users = [...new Map(principals.map((p) => [p.userId, p.role])).entries()];
  if (users.length === 0) return new Map();
  // ON CONFLICT may touch a row once per statement: hence the de-duplication above.
  const rows = await sql<{ userId: string; topics: string[] | null; unread: number }>(
    db,
    `WITH seen AS (
       INSERT INTO "NotificationUser" ("id", "role", "lastSeenAt")
       SELECT u.id, u.role, now() FROM unnest($1::text[], $2::text[]) AS u(id, role)
       ON CONFLICT ("id") DO UPDATE SET "role" = EXCLUDED."role", "lastSeenAt" = now()
     )
     SELECT u.id AS "userId",
       (SELECT array_agg("topic" ORDER BY "topic") FROM "TopicSubscription" WHERE "userId" = u.id) AS topics,
       (SELECT count(*)::int FROM "NotificationRecipient" WHERE "userId" = u.id AND "readAt" IS NULL) AS unread
     FROM unnest($1::text[]) AS u(id)`,
    [users.map(([id]) => id), users.map(([, role]) => role)],
  );
  return new Map(rows.map((r) => [r.userId, { topics: r.topics ?? [], unreadCount: r.unread }]));
}
