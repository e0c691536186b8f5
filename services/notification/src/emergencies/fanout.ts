import { type Alert, type ServerEventName, socketRooms } from '@switchboard/protocol';
import type { Broadcaster } from '@switchboard/runtime';
import { type AlertAccess, type AlertAudience, alertedRooms } from './audience.ts';

type AlertEvent = Extract<
  ServerEventName,
  'emergency:alert' | 'emergency:escalated' | 'emergency:acknowledged' | 'emergency:resolved'
>;
type Alerted = AlertAccess & { activatedRooms: string[] };

/**
 * The first fan-out of an SOS: `emergency:activated` to each activated room, `emergency:alert`
 * to every contact (their phone's room, and their user room when the id is known), and everyone
 * alerted (and the user) joins the alert's room, which presence also sends the user's live
 * location to.
 */
export function announceAlert(broadcaster: Broadcaster, alert: Alert, audience: AlertAudience): void {
  for (const roomId of alert.activatedRooms) {
    broadcaster.to(socketRooms.room(roomId)).emit('emergency:activated', { ...alert, roomId });
  }
  const contacts = [...audience.contactPhones.map(socketRooms.phone), ...audience.contactUserIds.map(socketRooms.user)];
  if (contacts.length) broadcaster.to(contacts).emit('emergency:alert', alert);
  const watchers = [...contacts, ...alert.activatedRooms.map(socketRooms.room), socketRooms.user(alert.userId)];
  broadcaster.in(watchers).socketsJoin(socketRooms.alert(alert.userId));
}

/** A later step, to everyone alerted so far and the user. */
export function broadcastAlert(broadcaster: Broadcaster, event: AlertEvent, alert: Alert, access: Alerted): void {
  broadcaster.to(alertedRooms(access)).emit(event, alert);
}

/** A new escalation level: its role's sockets join the alert's room, then everyone hears of it. */
export function announceEscalation(broadcaster: Broadcaster, alert: Alert, access: Alerted, role: string): void {
  broadcaster.in(socketRooms.role(role)).socketsJoin(socketRooms.alert(alert.userId));
  broadcastAlert(broadcaster, 'emergency:escalated', alert, access);
}

/** Resolved: tell everyone, then nobody follows the user's location for this alert any more. */
export function closeAlertRoom(broadcaster: Broadcaster, alert: Alert, access: Alerted): void {
  broadcastAlert(broadcaster, 'emergency:resolved', alert, access);
  const room = socketRooms.alert(alert.userId);
  broadcaster.in(room).socketsLeave(room);
}
