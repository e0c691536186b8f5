import { type Db, sql } from '@switchboard/db';
import type { Principal } from '@switchboard/protocol';

/**
 * Remember the caller as its verified JWT describes it: participants lists need names, and
 * phones are what emergency contacts match on. One statement, safe under concurrent sessions.
 */
export async function upsertUser(db: Db, principal: Principal): Promise<void> {
  // On the pool, not through Prisma: every connect runs it (packages/db/src/sql.ts).
  await sql(
    db,
    `INSERT INTO "User" ("id", "name", "role", "phone", "updatedAt")
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "role" = EXCLUDED."role",
       "phone" = EXCLUDED."phone", "updatedAt" = now()`,
    [principal.userId, principal.name, principal.role, principal.phone ?? null],
  );
}

/** Display names by user id; users never seen in a token fall back to their id. */
export async function namesOf(db: Db, userIds: string[]): Promise<Map<string, string>> {
  const users = userIds.length
    ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } })
    : [];
  const names = new Map(users.map((u) => [u.id, u.name]));
  for (const id of userIds) if (!names.has(id)) names.set(id, id);
  return names;
}
