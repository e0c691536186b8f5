import { z } from 'zod';
import { Id, LatLng } from './common.ts';

export const NOTIFICATION_PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export const EMERGENCY_TYPES = ['PANIC', 'MEDICAL', 'SECURITY', 'FIRE', 'GENERAL'] as const;

export const NotificationIdPayload = z.object({ notificationId: Id });
export const NotificationListPayload = z.object({
  before: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(100).optional(),
});
export const TopicsPayload = z.object({ topics: z.array(z.string().min(1).max(128)).min(1).max(100) });
export const EmptyPayload = z.object({});

export const EmergencySosPayload = z.object({
  type: z.enum(EMERGENCY_TYPES),
  message: z.string().max(2000).optional(),
  location: LatLng.extend({ accuracy: z.number().min(0).optional() }).optional(),
});
export const AlertIdPayload = z.object({ alertId: Id });

export const PublishPayload = z.object({
  to: z
    .object({
      room: Id.optional(),
      user: Id.optional(),
      role: z.string().max(64).optional(),
      topic: z.string().max(128).optional(),
    })
    .refine((t) => Object.values(t).filter(Boolean).length === 1, 'needs exactly one of room, user, role, topic'),
  event: z.string().min(1).max(128),
  data: z.unknown(),
});

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
export interface SosResult {
  alertId: string;
  activatedRooms: string[];
}
export interface EmergencyEvent {
  alertId: string;
  userId: string;
  type: (typeof EMERGENCY_TYPES)[number];
  message?: string;
  location?: unknown;
  level?: number;
  roomId?: string;
}
