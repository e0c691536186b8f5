import { z } from 'zod';
import { Id, LatLng } from './common.ts';

export const EMERGENCY_TYPES = ['PANIC', 'MEDICAL', 'SECURITY', 'FIRE', 'GENERAL'] as const;
export type EmergencyType = (typeof EMERGENCY_TYPES)[number];
export const ALERT_STATES = ['active', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const AUDIT_ACTIONS = ['triggered', 'notified', 'escalated', 'acknowledged', 'resolved'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AlertLocation = LatLng.extend({ accuracy: z.number().min(0).optional() });
export type AlertLocation = z.infer<typeof AlertLocation>;

export const EmergencySosPayload = z.object({
  type: z.enum(EMERGENCY_TYPES),
  message: z.string().max(2000).optional(),
  location: AlertLocation.optional(),
});
export type EmergencySosPayload = z.infer<typeof EmergencySosPayload>;
export const AlertIdPayload = z.object({ alertId: Id });
export type AlertIdPayload = z.infer<typeof AlertIdPayload>;
export const EmergencyResolvePayload = AlertIdPayload.extend({ resolution: z.string().max(2000).optional() });
export type EmergencyResolvePayload = z.infer<typeof EmergencyResolvePayload>;
/** `GET /api/alerts?state=`: the query string, validated like a payload. */
export const AlertListQuery = z.object({ state: z.enum(ALERT_STATES).optional() });

/**
 * An alert as clients see it. `level` 1 is the immediate alert to contacts and rooms; each
 * escalation step of `EMERGENCY_ESCALATION` raises it by one. The user's live position reaches
 * the audience as `location:update` while the alert is open (see services/notification/README.md).
 */
export interface Alert {
  alertId: string;
  userId: string;
  userName: string;
  type: EmergencyType;
  message?: string;
  location?: AlertLocation;
  state: AlertState;
  level: number;
  activatedRooms: string[];
  createdAt: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  resolvedBy?: string;
  resolvedAt?: string;
  resolution?: string;
}

export interface AlertAuditEntry {
  at: string;
  action: AuditAction;
  actorId?: string;
  level?: number;
  /** What the step concerned, e.g. `{ phone }` of a notified contact or `{ role }` of a level. */
  detail?: Record<string, unknown>;
}

export interface SosResult {
  alertId: string;
  activatedRooms: string[];
  alert: Alert;
}
export interface AlertResult {
  alert: Alert;
}

/** Every `emergency:*` server event carries the alert's fields; some add one of their own. */
export type EmergencyEvent = Alert & { roomId?: string };

/** An escalation step as snapshotted into an alert: `level` is reached `delayMs` after the SOS. */
export interface EscalationStep {
  level: number;
  delayMs: number;
  role: string;
}
