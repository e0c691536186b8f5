import type { Principal } from '@switchboard/protocol';
import { AppError, requestContext } from '@switchboard/runtime';
import type { RoomsOfUser } from '../fanout/rooms-of-user.ts';
import { LOCATION_DENIED, MEMBERSHIPS_UNAVAILABLE } from '../refusals.ts';

/** Roles that may see everyone's location and manage every geofence. */
export function isOverseer(principal: Principal): boolean {
  return principal.role === 'admin' || principal.role === 'supervisor';
}

/** Rooms of a user, or 503 when messaging cannot say (access must not be guessed). */
export async function roomsOrUnavailable(
  roomsOf: RoomsOfUser,
  userId: string,
  principal: Principal,
): Promise<string[]> {
  const rooms = await roomsOf(userId, requestContext(principal));
  if (rooms === null) throw new AppError('UNAVAILABLE', MEMBERSHIPS_UNAVAILABLE);
  return rooms;
}

/** The user themself, admins, supervisors, and anyone sharing a room with the user. */
export async function assertMaySeeUser(principal: Principal, userId: string, roomsOf: RoomsOfUser): Promise<void> {
  if (principal.userId === userId || isOverseer(principal)) return;
  const [mine, theirs] = await Promise.all([
    roomsOrUnavailable(roomsOf, principal.userId, principal),
    roomsOrUnavailable(roomsOf, userId, principal),
  ]);
  const shared = new Set(mine);
  if (!theirs.some((roomId) => shared.has(roomId))) throw new AppError('FORBIDDEN', LOCATION_DENIED);
}
