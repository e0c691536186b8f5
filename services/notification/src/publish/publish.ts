import {
  isReservedEventName,
  MAX_PUBLISH_DATA_BYTES,
  type PublishPayload,
  type PublishResult,
  socketRooms,
} from '@switchboard/protocol';
import { AppError, type Broadcaster } from '@switchboard/runtime';
import { PUBLISH_DATA_TOO_LARGE, reservedEvent } from '../refusals.ts';
import { emitAppEvent } from './app-event.ts';

/** Socket.IO broadcasts to every socket when no room is named. */
const EVERYONE: string[] = [];

function roomsOf(to: PublishPayload['to']): string[] {
  if (to.user !== undefined) return [socketRooms.user(to.user)];
  if (to.role !== undefined) return [socketRooms.role(to.role)];
  if (to.room !== undefined) return [socketRooms.room(to.room)];
  if (to.topic !== undefined) return [socketRooms.topic(to.topic)];
  return EVERYONE;
}

/**
 * An ephemeral event to the target's connected sockets (nothing is stored: an offline user never
 * sees it). Shared by `POST /api/publish` and the `notification:publish` bus command. The schema
 * checked the name's shape; here Switchboard's own names and oversized data are refused.
 */
export function publish(broadcaster: Broadcaster, { to, event, data }: PublishPayload): PublishResult {
  if (isReservedEventName(event)) throw new AppError('INVALID_PAYLOAD', reservedEvent(event));
  const size = Buffer.byteLength(JSON.stringify(data ?? null));
  if (size > MAX_PUBLISH_DATA_BYTES) {
    throw new AppError('INVALID_PAYLOAD', PUBLISH_DATA_TOO_LARGE);
  }
  emitAppEvent(broadcaster, roomsOf(to), event, data ?? null);
  return { delivered: true };
}
