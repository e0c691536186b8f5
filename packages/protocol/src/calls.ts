import { z } from 'zod';
import { Id } from './common.ts';

export const CALL_TYPES = ['audio', 'video'] as const;
export const SIGNAL_TYPES = ['offer', 'answer', 'ice-candidate'] as const;

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
  rtt: z.number().min(0).optional(),
  jitter: z.number().min(0).optional(),
  packetLoss: z.number().min(0).max(100).optional(),
  bitrate: z.number().min(0).optional(),
});

export interface CallInitiateResult {
  callId: string;
}
export interface CallEvent {
  callId: string;
  from?: string;
  to?: string;
  callType?: 'audio' | 'video';
  roomId?: string;
  reason?: string;
}
export interface CallSignalEvent {
  callId: string;
  from: string;
  signalType: (typeof SIGNAL_TYPES)[number];
  signal: unknown;
}
export interface CallQualityIssueEvent {
  callId: string;
  userId: string;
  metric: string;
  value: number;
}
