/** Event types Switchboard POSTs to `WEBHOOK_URL` (PROTOCOL.md, Webhooks). */
export const WEBHOOK_EVENT_TYPES = [
  'user.online',
  'user.offline',
  'room.created',
  'call.missed',
  'call.ended',
  'emergency.triggered',
  'emergency.escalated',
  'emergency.acknowledged',
  'emergency.resolved',
  'geofence.violation',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
