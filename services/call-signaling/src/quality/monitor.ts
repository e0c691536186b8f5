import { RECOVERY_RATIO } from './thresholds.ts';

export interface MonitorState {
  badStreak: number;
  goodStreak: number;
  raised: boolean;
}

export const FRESH_MONITOR: MonitorState = { badStreak: 0, goodStreak: 0, raised: false };

/**
 * One sample of one metric, pure. `samples` values in a row above `threshold` raise the issue
 * (once: `raise` is true only on that sample); it clears after `samples` values in a row below
 * `threshold × RECOVERY_RATIO`. A value between the two bands breaks both runs, so a metric
 * hovering at its threshold neither flaps nor clears.
 */
export function observe(
  state: MonitorState,
  value: number,
  threshold: number,
  samples: number,
): { state: MonitorState; raise: boolean } {
  const bad = value > threshold;
  const good = value < threshold * RECOVERY_RATIO;
  const badStreak = bad ? state.badStreak + 1 : 0;
  const goodStreak = good ? state.goodStreak + 1 : 0;
  if (!state.raised && badStreak >= samples) return { state: { badStreak, goodStreak, raised: true }, raise: true };
  if (state.raised && goodStreak >= samples) return { state: { badStreak, goodStreak, raised: false }, raise: false };
  return { state: { badStreak, goodStreak, raised: state.raised }, raise: false };
}
