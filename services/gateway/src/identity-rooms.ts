import { type Principal, socketRooms } from '@switchboard/protocol';

const ADMIN_ROLE = 'admin';

/**
 * The rooms a socket is in because of who its token says it is: `user:{id}`, `role:{role}`,
 * `phone:{normalised}` when the token carries a phone (how an SOS reaches emergency contacts who
 * are not members of the user's rooms yet) and, for admins, `admin:{id}` (how presence reaches an
 * admin's subscriptions; see services/presence/src/fanout/presence-publisher.ts). Recomputed when
 * a refresh changes the role.
 */
export function identityRooms(principal: Principal): string[] {
  const rooms = [socketRooms.user(principal.userId), socketRooms.role(principal.role)];
  if (principal.phone) rooms.push(socketRooms.phone(principal.phone));
  if (principal.role === ADMIN_ROLE) rooms.push(socketRooms.admin(principal.userId));
  return rooms;
}

/** ISO time of an expiry in ms, `null` for none: what `connected` and `auth:refresh` answer. */
export function expiryText(expiresAt: number | undefined): string | null {
  return expiresAt === undefined ? null : new Date(expiresAt).toISOString();
}
