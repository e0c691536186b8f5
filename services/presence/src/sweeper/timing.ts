import type { BaseEnv } from '@switchboard/runtime';

/**
 * The offline bound split in two: a gateway counts as alive for `gatewayTtlMs` after its last
 * heartbeat, and the sweeper looks every `sweepIntervalMs`, so a dead gateway's users are
 * offline at most `gatewayTtlMs + sweepIntervalMs = offlineAfterMs` after its last heartbeat.
 */
export interface PresenceTiming {
  offlineAfterMs: number;
  gatewayTtlMs: number;
  sweepIntervalMs: number;
  awayAfterMs: number;
  awaySweepIntervalMs: number;
}

export function presenceTiming(
  config: Pick<BaseEnv, 'PRESENCE_OFFLINE_AFTER_MS' | 'PRESENCE_AWAY_AFTER_MS'>,
): PresenceTiming {
  const offlineAfterMs = config.PRESENCE_OFFLINE_AFTER_MS;
  const sweepIntervalMs = Math.max(20, Math.floor(offlineAfterMs / 5));
  const awayAfterMs = config.PRESENCE_AWAY_AFTER_MS;
  return {
    offlineAfterMs,
    sweepIntervalMs,
    gatewayTtlMs: Math.max(1, offlineAfterMs - sweepIntervalMs),
    awayAfterMs,
    awaySweepIntervalMs: Math.min(30_000, Math.max(20, Math.floor(awayAfterMs / 5))),
  };
}
