import type { DeliveryEngine } from './delivery.ts';
import { SwitchboardError } from './errors.ts';
import type { RequestFn } from './request.ts';

/** The server's limit on rooms per `sync` request (protocol SyncPayload). */
const SYNC_ROOMS_PER_REQUEST = 500;
/** A safety stop: a sync that keeps saying hasMore without progress is not looped forever. */
const MAX_SYNC_ROUNDS = 1000;

export interface RecoveryDeps {
  request: RequestFn;
  engine: DeliveryEngine;
  onError(error: unknown, roomId?: string): void;
}

/**
 * Put the socket back into rooms the server did not restore by itself (`connected.rooms` lists
 * those it did). A room that answers FORBIDDEN or NOT_FOUND is gone for this user: returned so
 * the client stops tracking it. Other failures are reported and the room is kept (the next
 * reconnect tries again; sync below still recovers its messages, membership is in the database).
 */
export async function rejoinRooms(deps: RecoveryDeps, wanted: string[], restored: string[]): Promise<string[]> {
  const restoredSet = new Set(restored);
  const lost: string[] = [];
  await Promise.all(
    wanted
      .filter((roomId) => !restoredSet.has(roomId))
      .map(async (roomId) => {
        try {
          await deps.request('room:join', { roomId });
        } catch (error) {
          deps.onError(error, roomId);
          if (error instanceof SwitchboardError && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND'))
            lost.push(roomId);
        }
      }),
  );
  return lost;
}

/**
 * Ask for everything missed since each room's cursor (`sync`), feed it through the delivery
 * engine, and repeat while the server says hasMore. Each answer covers, per room, the range up
 * to the highest seq it returned (the engine skips invisible private seqs inside that range).
 */
export async function syncRooms(deps: RecoveryDeps, roomIds: string[]): Promise<void> {
  for (let start = 0; start < roomIds.length; start += SYNC_ROOMS_PER_REQUEST) {
    const chunk = roomIds.slice(start, start + SYNC_ROOMS_PER_REQUEST);
    for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
      const rooms = Object.fromEntries(chunk.map((roomId) => [roomId, deps.engine.track(roomId)]));
      const result = await deps.request('sync', { rooms });
      for (const [roomId, afterSeq] of Object.entries(rooms)) {
        deps.engine.applyFill(
          roomId,
          afterSeq,
          result.messages.filter((m) => m.roomId === roomId),
        );
      }
      const progressed = chunk.some((roomId) => deps.engine.track(roomId) !== rooms[roomId]);
      if (!result.hasMore || !progressed) break;
    }
  }
}
