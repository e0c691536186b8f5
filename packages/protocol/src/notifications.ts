import { z } from 'zod';
import { Id } from './common.ts';

export const NOTIFICATION_PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;

export const NotificationIdPayload = z.object({ notificationId: Id });
export const NotificationListPayload = z.object({
  before: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(100).optional(),
});
/** A topic name: what `topic:{name}` socket rooms and topic notifications are keyed by. */
export const TopicName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:@-]+$/, 'must be letters, digits and _ . : @ - only');
export const TopicsPayload = z.object({ topics: z.array(TopicName).min(1).max(100) });
/** `notification:subscribe` / `unsubscribe`: every topic the user is subscribed to now. */
export interface TopicsResult {
  topics: string[];
}
export const EmptyPayload = z.object({});

const Role = z.string().min(1).max(64);
const Topic = TopicName;
const exactlyOne = (t: object) => Object.values(t).filter((v) => v !== undefined && v !== false).length === 1;

/** Who a persisted notification is for: exactly one of these. */
export const NotificationTarget = z
  .object({
    user: Id.optional(),
    users: z.array(Id).min(1).max(1000).optional(),
    role: Role.optional(),
    topic: Topic.optional(),
  })
  .refine(exactlyOne, 'needs exactly one of user, users, role, topic');

/** `POST /api/notifications` and the `notification:create` bus command (missed calls, emergencies). */
export const NotificationCreatePayload = z.object({
  to: NotificationTarget,
  type: z.string().min(1).max(64),
  title: z.string().min(1).max(200),
  body: z.string().max(4000),
  priority: z.enum(NOTIFICATION_PRIORITIES).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  idempotencyKey: z.string().min(1).max(128).optional(),
});
export type NotificationCreatePayload = z.infer<typeof NotificationCreatePayload>;
export interface NotificationCreateResult {
  recipients: number;
  notificationIds: string[];
}

/** PROTOCOL.md's rule for a published event's name (Switchboard's own names are refused apart). */
export const PUBLISH_EVENT_NAME = /^[a-z][a-z0-9_.:-]{0,63}$/;
/** The documented bound on a published event's `data`, serialised as JSON (bytes). */
export const MAX_PUBLISH_DATA_BYTES = 64 * 1024;

/** `POST /api/publish` and the `notification:publish` bus command: an ephemeral event to live sockets. */
export const PublishPayload = z.object({
  to: z
    .object({
      user: Id.optional(),
      role: Role.optional(),
      room: Id.optional(),
      topic: Topic.optional(),
      all: z.literal(true).optional(),
    })
    .refine(exactlyOne, 'needs exactly one of user, role, room, topic, all'),
  event: z.string().regex(PUBLISH_EVENT_NAME, 'must match ^[a-z][a-z0-9_.:-]{0,63}$'),
  data: z.unknown(),
});
export type PublishPayload = z.infer<typeof PublishPayload>;
export interface PublishResult {
  delivered: true;
}

export interface Notification {
  id: string;
  type: string;
  title: string;
  body: string;
  priority: (typeof NOTIFICATION_PRIORITIES)[number];
  topic?: string;
  data: unknown;
  createdAt: string;
  readAt?: string | null;
}
export interface MarkedCountResult {
  markedCount: number;
}
export interface UnreadCountResult {
  unreadCount: number;
}
export interface NotificationListResult {
  notifications: Notification[];
  hasMore: boolean;
}

/** `notification:unread`: the user's unread count, to every device whenever it changes. */
export interface UnreadEvent {
  unreadCount: number;
}
