import type { Bus } from '@switchboard/bus';
import type { Db } from '@switchboard/db';
import {
  type MemberRole,
  type Participant,
  type PresencesResult,
  REQUESTS,
  type RequestContext,
  type RequestName,
} from '@switchboard/protocol';
import type { Logger } from '@switchboard/runtime';
import { namesOf } from '../store/users.ts';

const PRESENCE_GET: RequestName = 'presence:get';

/** Who is online among `userIds`; throws when presence does not answer. */
export async function onlineUsers(bus: Bus, userIds: string[], ctx: RequestContext): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const online = new Set<string>();
  // presence:get takes at most 500 ids at a time.
  for (let i = 0; i < userIds.length; i += 500) {
    const { presences } = await bus.request<PresencesResult>(
      REQUESTS[PRESENCE_GET].service,
      PRESENCE_GET,
      { userIds: userIds.slice(i, i + 500) },
      ctx,
      { timeoutMs: 1000 },
    );
    for (const p of presences) if (p.status !== 'offline') online.add(p.userId);
  }
  return online;
}

/** Members with names and a best-effort `online` (false for everyone when presence is down). */
export async function participantsOf(
  deps: { db: Db; bus: Bus; log: Logger },
  roomId: string,
  ctx: RequestContext,
): Promise<Participant[]> {
  const members = await deps.db.roomMember.findMany({
    where: { roomId },
    orderBy: { joinedAt: 'asc' },
    select: { userId: true, role: true },
  });
  const ids = members.map((m) => m.userId);
  const names = await namesOf(deps.db, ids);
  let online = new Set<string>();
  try {
    online = await onlineUsers(deps.bus, ids, ctx);
  } catch (error) {
    deps.log.warn({ err: error, roomId }, 'presence unavailable for participants');
  }
  return members.map((m) => ({
    userId: m.userId,
    name: names.get(m.userId)!,
    role: m.role as MemberRole,
    online: online.has(m.userId),
  }));
}
