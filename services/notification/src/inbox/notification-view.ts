import type { NOTIFICATION_PRIORITIES, Notification } from '@switchboard/protocol';

type Priority = (typeof NOTIFICATION_PRIORITIES)[number];

/** The columns of a `Notification` row the client shape is made from. */
export interface NotificationRow {
  id: string;
  type: string;
  title: string;
  body: string;
  priority: string;
  topic: string | null;
  data: unknown;
  createdAt: Date;
}

/** The wire shape of PROTOCOL.md: `topic` only when set, `readAt` as ISO text or null. */
export function toNotification(row: NotificationRow, readAt: Date | null): Notification {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    body: row.body,
    // Only the protocol's priorities are ever written (the schema refuses others).
    priority: row.priority as Priority,
    ...(row.topic !== null ? { topic: row.topic } : {}),
    data: row.data ?? {},
    createdAt: row.createdAt.toISOString(),
    readAt: readAt ? readAt.toISOString() : null,
  };
}
