import { z } from 'zod';
import { Id } from './common.ts';

export const CALL_TYPES = ['audio', 'video'] as const;
export type CallType = (typeof CALL_TYPES)[number];
export const SIGNAL_TYPES = ['offer', 'answer', 'ice-candidate'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];
export const CALL_STATES = ['ringing', 'accepted', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];
/**
 * Why a call ended, as recorded in the call log: `rejected` by the callee, `cancelled` by the
 * caller while ringing, `timeout` (nobody answered within CALL_RING_TIMEOUT_MS), `hangup` by
 * either party once accepted, `connection_lost` (a party's call device did not come back within
 * CALL_RECONNECT_GRACE_MS). `answered_elsewhere` is only ever an event reason (one device's view).
 */
export const CALL_END_REASONS = ['rejected', 'cancelled', 'timeout', 'hangup', 'connection_lost'] as const;
export type CallEndReason = (typeof CALL_END_REASONS)[number];
export type CallEventReason = CallEndReason | 'answered_elsewhere';
/** Quality metrics a client reports that have thresholds (bitrate is recorded only). */
export const QUALITY_METRICS = ['rtt', 'jitter', 'packetLoss'] as const;
export type QualityMetric = (typeof QUALITY_METRICS)[number];

export const CallInitiatePayload = z.object({ recipientId: Id, callType: z.enum(CALL_TYPES), roomId: Id.optional() });
export const CallDecisionPayload = z.object({ callId: Id, reason: z.string().max(200).optional() });
export const CallIdPayload = z.object({ callId: Id });
export const CallSignalPayload = z.object({
  callId: Id,
  signalType: z.enum(SIGNAL_TYPES),
  // SDP and ICE candidates are opaque to the server; bound their size, not their shape.
  signal: z.union([z.string().max(64_000), z.record(z.string(), z.unknown())]),
});
export const CallQualityPayload = z.object({
  callId: Id,
  rtt: z.number().min(0).max(600_000).optional(),
  jitter: z.number().min(0).max(600_000).optional(),
  packetLoss: z.number().min(0).max(100).optional(),
  bitrate: z.number().min(0).max(10_000_000_000).optional(),
});

/** `GET /api/calls?limit=&before=`: `before` is the callId of the last call of the previous page. */
export const CallLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  before: Id.optional(),
});

/** A call as the server holds it (acks, the call log). Times are ISO 8601. */
export interface Call {
  callId: string;
  from: string;
  to: string;
  callType: CallType;
  roomId?: string;
  state: CallState;
  reason?: CallEndReason;
  createdAt: string;
  answeredAt?: string;
  endedAt?: string;
  /** Seconds from answer to end (accepted calls only). */
  durationSec?: number;
}

export interface CallInitiateResult {
  callId: string;
  call: Call;
}
export interface CallResult {
  call: Call;
}
export interface CallLogResult {
  calls: Call[];
  hasMore: boolean;
}

/** Every `call:*` lifecycle event carries the call's identity; `reason` on endings. */
export interface CallEvent {
  callId: string;
  from: string;
  to: string;
  callType: CallType;
  roomId?: string;
  /** A CallEventReason, or on `call:rejected` the callee's own words (if given). */
  reason?: string;
  durationSec?: number;
}
export interface CallSignalEvent {
  callId: string;
  from: string;
  signalType: SignalType;
  signal: unknown;
}
export interface CallQualityIssueEvent {
  callId: string;
  userId: string;
  metric: QualityMetric;
  value: number;
  threshold: number;
}
