import type { QualityMetric } from '@switchboard/protocol';
import type { BaseEnv } from '@switchboard/runtime';

/** A metric is poor above its threshold; it has recovered below this share of it (hysteresis). */
export const RECOVERY_RATIO = 0.8;
/** Samples stored per call; past it samples are still evaluated, just not kept. */
export const MAX_SAMPLES_PER_CALL = 2000;

export interface QualityThresholds {
  limits: Record<QualityMetric, number>;
  /** Consecutive samples past a threshold that raise an issue, and below recovery that clear it. */
  samples: number;
}

export function qualityThresholds(config: BaseEnv): QualityThresholds {
  return {
    limits: {
      rtt: config.CALL_QUALITY_RTT_MS,
      jitter: config.CALL_QUALITY_JITTER_MS,
      packetLoss: config.CALL_QUALITY_LOSS_PERCENT,
    },
    samples: config.CALL_QUALITY_SAMPLES,
  };
}
