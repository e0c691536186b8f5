import type { StatsGetResult } from '@switchboard/protocol';
import type { MessagingDeps } from './deps.ts';

/** `stats:get` (gateway, for `GET /api/stats`): how many rooms exist and how many are not archived. */
export function statsHandlers(deps: MessagingDeps) {
  return {
    'stats:get': async (): Promise<StatsGetResult> => {
      const [rooms, activeRooms] = await Promise.all([
        deps.db.room.count(),
        deps.db.room.count({ where: { archivedAt: null } }),
      ]);
      return { rooms, activeRooms };
    },
  };
}
