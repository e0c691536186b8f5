import type { BaseEnv } from '@switchboard/runtime';

/** Durable timer kinds of this service (packages/timers). */
export const TIMER_KINDS = {
  /** key: callId. Ends a call still ringing with reason `timeout`. */
  ring: 'call.ring-timeout',
  /** key: `${callId}:${userId}`. Ends a call whose party's socket did not come back. */
  grace: 'call.reconnect-grace',
  /** key: callId. Asks notification for the callee's missed-call notification (retried). */
  missed: 'call.missed-notification',
} as const;

export interface CallTiming {
  ringTimeoutMs: number;
  reconnectGraceMs: number;
}

export function callTiming(config: BaseEnv): CallTiming {
  return { ringTimeoutMs: config.CALL_RING_TIMEOUT_MS, reconnectGraceMs: config.CALL_RECONNECT_GRACE_MS };
}

export const graceKey = (callId: string, userId: string) => `${callId}:${userId}`;
