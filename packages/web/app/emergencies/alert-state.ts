import type { EmergencyEvent } from '@switchboard/protocol';

/**
 * An alert as PROTOCOL.md "Emergencies" describes it: every `emergency:*` event and every ack
 * carries these fields. The protocol package's event type names only some of them, so the rest
 * are read as optional and an alert is built from whatever a payload brings.
 */
export interface Alert {
  alertId: string;
  userId: string;
  userName?: string;
  type: EmergencyEvent['type'];
  message?: string;
  location?: { latitude: number; longitude: number; accuracy?: number };
  state: 'active' | 'acknowledged' | 'resolved';
  level: number;
  activatedRooms: string[];
  createdAt?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  resolvedBy?: string;
  resolvedAt?: string;
}

export interface AuditStep {
  at: string;
  action: 'triggered' | 'notified' | 'escalated' | 'acknowledged' | 'resolved';
  actorId?: string;
  level?: number;
}

interface AlertFields extends Partial<Omit<Alert, 'location'>> {
  /** Checked before use: the protocol types it loosely. */
  location?: unknown;
}
/** What an `emergency:*` payload or an ack may hold: the alert's fields, flat or under `alert`. */
export interface AlertPayload extends AlertFields {
  alertId: string;
  alert?: AlertFields;
}

/** The state an event implies when its payload does not say (older payload shapes). */
export type AlertEventKind = 'alert' | 'activated' | 'escalated' | 'acknowledged' | 'resolved' | 'sos';

export function mergeAlert(existing: Alert | undefined, payload: AlertPayload, kind: AlertEventKind): Alert {
  const { location, ...fields } = { ...payload, ...payload.alert };
  const merged: Alert = {
    state: 'active',
    level: 0,
    activatedRooms: [],
    userId: '',
    type: 'GENERAL',
    ...existing,
    ...definedOnly(fields),
    ...(isLocation(location) ? { location } : {}),
    alertId: payload.alertId,
  };
  if (fields.state === undefined) {
    if (kind === 'acknowledged' && merged.state === 'active') merged.state = 'acknowledged';
    if (kind === 'resolved') merged.state = 'resolved';
  }
  // A stale event (a level 1 arriving after level 2) never lowers what is on screen.
  if (existing && existing.level > merged.level) merged.level = existing.level;
  if (existing?.state === 'resolved') merged.state = 'resolved';
  return merged;
}

function isLocation(value: unknown): value is NonNullable<Alert['location']> {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.latitude === 'number' && typeof v.longitude === 'number';
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([k, v]) => v !== undefined && k !== 'alert')) as Partial<T>;
}

export const ACTION_LABELS: Record<AuditStep['action'], string> = {
  triggered: 'SOS triggered',
  notified: 'Contacts notified',
  escalated: 'Escalated',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

export function typeLabel(type: string): string {
  return type.charAt(0) + type.slice(1).toLowerCase();
}
