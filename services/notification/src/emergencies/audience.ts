import { type OwnedRoom, type Principal, socketRooms } from '@switchboard/protocol';

const ADMIN_ROLE = 'admin';

/** Who an SOS reaches, worked out once from the user's owned rooms and stored with the alert. */
export interface AlertAudience {
  activatedRooms: string[];
  /** Normalised phones of the rooms' emergency contacts (reached through `phone:{p}`). */
  contactPhones: string[];
  /** Contacts whose user id is known: they get a persisted notification when offline. */
  contactUserIds: string[];
  /** Known users who may see and acknowledge: contacts with an id and room members, never the user. */
  audienceUserIds: string[];
}

export function audienceOf(userId: string, rooms: OwnedRoom[]): AlertAudience {
  const phones = new Set<string>();
  const contactIds = new Set<string>();
  const members = new Set<string>();
  for (const room of rooms) {
    for (const contact of room.contacts) {
      phones.add(contact.phone);
      if (contact.userId) contactIds.add(contact.userId);
    }
    for (const member of room.memberIds) members.add(member);
  }
  contactIds.delete(userId);
  const audience = new Set([...contactIds, ...members]);
  audience.delete(userId);
  return {
    activatedRooms: rooms.map((r) => r.roomId),
    contactPhones: [...phones],
    contactUserIds: [...contactIds],
    audienceUserIds: [...audience],
  };
}

/** The fields of an alert row the permission rules read. */
export interface AlertAccess {
  userId: string;
  contactPhones: string[];
  audienceUserIds: string[];
  reachedRoles: string[];
  acknowledgedBy: string | null;
}

/** Alerted about it: contacts (by phone), room members, escalation roles reached so far, admins. */
export function isAudience(alert: AlertAccess, who: Principal): boolean {
  if (who.role === ADMIN_ROLE) return true;
  if (alert.audienceUserIds.includes(who.userId)) return true;
  if (who.phone !== undefined && alert.contactPhones.includes(who.phone)) return true;
  return alert.reachedRoles.includes(who.role);
}

/** May read it (REST): the user, the audience, and whoever acknowledged it. */
export function maySee(alert: AlertAccess, who: Principal): boolean {
  return alert.userId === who.userId || alert.acknowledgedBy === who.userId || isAudience(alert, who);
}

/** The audience acknowledges; the user in distress does not acknowledge their own alert. */
export function mayAcknowledge(alert: AlertAccess, who: Principal): boolean {
  return alert.userId !== who.userId && isAudience(alert, who);
}

/** The user, the one who acknowledged, or an admin. */
export function mayResolve(alert: AlertAccess, who: Principal): boolean {
  return alert.userId === who.userId || alert.acknowledgedBy === who.userId || who.role === ADMIN_ROLE;
}

/**
 * Socket.IO rooms of everyone alerted so far and the user: activated rooms, contacts' phones,
 * roles reached, and the alert's own room (sockets that connected later were joined to it).
 * One emit to all of them reaches each socket once.
 */
export function alertedRooms(alert: AlertAccess & { activatedRooms: string[] }): string[] {
  return [
    socketRooms.alert(alert.userId),
    socketRooms.user(alert.userId),
    ...alert.activatedRooms.map(socketRooms.room),
    ...alert.contactPhones.map(socketRooms.phone),
    ...alert.reachedRoles.map(socketRooms.role),
  ];
}
