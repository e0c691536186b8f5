import type { CallEvent } from '@switchboard/protocol';

export type CallType = 'audio' | 'video';

/** A call as this device sees it. */
export interface CallEntry {
  callId: string;
  from: string;
  to: string;
  callType: CallType;
  roomId?: string;
  direction: 'outgoing' | 'incoming';
  /** ringing → (accepted) connecting → connected, as far as this device knows. */
  phase: 'ringing' | 'connecting' | 'connected';
  /** The RTCPeerConnection's own state, once there is one. */
  peerState?: string;
  /** Quality problems the server raised for this call, per metric (latest). */
  issues: Record<string, QualityIssue>;
  answeredAt?: number;
}

export interface QualityIssue {
  userId: string;
  metric: string;
  value: number;
  threshold?: number;
}

export interface MissedCall {
  callId: string;
  /** The other party. */
  peer: string;
  direction: 'outgoing' | 'incoming';
  callType: CallType;
  roomId?: string;
  at: string;
}

export interface CallsState {
  /** The call this device is in (placing it, or accepted here). */
  current?: CallEntry;
  /** Calls ringing on this device, not yet answered. */
  ringing: CallEntry[];
  /** Newest first, until dismissed. */
  missed: MissedCall[];
  /** The last sample sent with `call:quality`, shown in the call view. */
  lastSample?: QualitySample;
  error?: string;
}

export interface QualitySample {
  rtt?: number;
  jitter?: number;
  packetLoss?: number;
  bitrate?: number;
}

export const emptyCalls: CallsState = { ringing: [], missed: [] };

/** The call's identity from an event; the protocol's event type may name some fields optional. */
export function entryFrom(event: CallEvent, direction: CallEntry['direction'], phase: CallEntry['phase']): CallEntry {
  return {
    callId: event.callId,
    from: event.from ?? '',
    to: event.to ?? '',
    callType: event.callType ?? 'video',
    ...(event.roomId ? { roomId: event.roomId } : {}),
    direction,
    phase,
    issues: {},
  };
}

/** How an ending reads to a person. */
export function endingText(reason: string | undefined, peerName: string): string {
  switch (reason) {
    case 'hangup':
      return `Call with ${peerName} ended`;
    case 'cancelled':
      return `${peerName} cancelled the call`;
    case 'answered_elsewhere':
      return 'Answered on another device';
    case 'connection_lost':
      return `The call with ${peerName} was lost (connection)`;
    case 'timeout':
      return `${peerName} did not answer`;
    default:
      return reason ? `Call with ${peerName} ended (${reason})` : `Call with ${peerName} ended`;
  }
}
