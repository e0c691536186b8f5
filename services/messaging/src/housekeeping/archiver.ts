import { type Db, sql } from '@switchboard/db';
import { systemContext } from '@switchboard/runtime';
import type { MessagingDeps } from '../handlers/deps.ts';
import { onlineUsers } from '../handlers/participants.ts';

const BATCH = 200;

/**
 * The next batch of rooms past `afterId` not archived and inactive since `cutoff`, with their
 * members. On the pool, not Prisma: every pass runs it, mostly finding nothing, and in an idle
 * service it would be the one statement that loads Prisma's query compiler.
 */
async function inactiveRooms(db: Db, cutoff: Date, afterId: string): Promise<{ id: string; members: string[] }[]> {
  return sql<{ id: string; members: string[] }>(
    db,
    `SELECT r."id", coalesce(array_agg(m."userId") FILTER (WHERE m."userId" IS NOT NULL), '{}') AS "members"
       FROM (SELECT "id" FROM "Room"
              WHERE "archivedAt" IS NULL AND "lastActivityAt" < ($1::timestamptz AT TIME ZONE 'UTC') AND "id" > $2
              ORDER BY "id" LIMIT $3) r
       LEFT JOIN "RoomMember" m ON m."roomId" = r."id"
      GROUP BY r."id" ORDER BY r."id"`,
    [cutoff, afterId, BATCH],
  );
}

export interface ArchiverOptions {
  archiveAfterMs: number;
  /** Defaults to min(60 s, archiveAfterMs / 2). */
  intervalMs?: number;
}

/**
 * Marks rooms inactive for `archiveAfterMs` with no member online as archived. Archiving only
 * sets `archivedAt` (nothing is deleted); join, send and session:open clear it. When presence
 * does not answer, nothing is archived this round: we cannot know who is online.
 */
export class RoomArchiver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly deps: Pick<MessagingDeps, 'db' | 'bus' | 'log'>,
    private readonly options: ArchiverOptions,
  ) {}

  start(): void {
    const interval =
      this.options.intervalMs ?? Math.min(60_000, Math.max(1, Math.floor(this.options.archiveAfterMs / 2)));
    this.timer = setInterval(() => void this.runOnce(), interval);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; returns how many rooms were archived. Overlapping calls share the pass. */
  runOnce(): Promise<number> {
    this.running ??= this.archive()
      .catch((error) => {
        this.deps.log.warn({ err: error }, 'room archiving skipped');
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async archive(): Promise<number> {
    const cutoff = new Date(Date.now() - this.options.archiveAfterMs);
    let archived = 0;
    let afterId = '';
    for (;;) {
      const rooms = await inactiveRooms(this.deps.db, cutoff, afterId);
      if (rooms.length === 0) break;
      afterId = rooms[rooms.length - 1]!.id;
      const memberIds = [...new Set(rooms.flatMap((r) => r.members))];
      const online = await onlineUsers(this.deps.bus, memberIds, systemContext('messaging'));
      const idle = rooms.filter((r) => !r.members.some((userId) => online.has(userId))).map((r) => r.id);
      if (idle.length === 0) continue;
      // Re-check activity in the update: a message may have arrived since the select.
      const { count } = await this.deps.db.room.updateMany({
        where: { id: { in: idle }, archivedAt: null, lastActivityAt: { lt: cutoff } },
        data: { archivedAt: new Date() },
      });
      archived += count;
    }
    if (archived > 0) this.deps.log.info({ archived }, 'rooms archived');
    return archived;
  }
}
