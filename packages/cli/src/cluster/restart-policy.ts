/**
 * When the supervisor restarts a child that exited on its own, Kubernetes-style: exponential
 * backoff from `initialDelayMs`, doubling up to `maxDelayMs`; a child that stayed up
 * `stableAfterMs` has recovered, so its next crash starts over; more than `maxRestarts` crashes
 * in a row without such a stable run is a crash loop, and the supervisor gives up on it.
 */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  stableAfterMs: number;
  maxRestarts: number;
}

/**
 * 250 ms, 0.5 s, 1 s … 30 s: eight restarts span about a minute of backoff, so a dependency that
 * is away for that long (Postgres restarting) is ridden out, while a child that cannot start at all
 * is given up on within a couple of minutes.
 */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
  maxRestarts: 8,
};

export type RestartDecision =
  | {
      action: 'restart';
      delayMs: number /** 1 for the first restart since the child was last stable. */;
      attempt: number;
    }
  | { action: 'give-up' /** Crashes in a row without a stable run, this one included. */; crashes: number };

/** The restart history of one child: feed it every unexpected exit, it says what to do. */
export class RestartTracker {
  /** Crashes since the child was last stable. */
  private consecutive = 0;

  constructor(private readonly policy: RestartPolicy) {}

  /** The child started at `startedAt` exited on its own at `exitedAt`. */
  onCrash(startedAt: number, exitedAt: number): RestartDecision {
    if (exitedAt - startedAt >= this.policy.stableAfterMs) this.consecutive = 0;
    this.consecutive += 1;
    if (this.consecutive > this.policy.maxRestarts) return { action: 'give-up', crashes: this.consecutive };
    return { action: 'restart', delayMs: backoffDelay(this.policy, this.consecutive), attempt: this.consecutive };
  }
}

/** The wait before restart number `attempt` (1-based). */
export function backoffDelay(policy: RestartPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
}
