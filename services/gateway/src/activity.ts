import type { Bus } from '@switchboard/bus';
import { ACTIVITY_BATCH_MAX } from '@switchboard/protocol';
import { type Logger, systemContext } from '@switchboard/runtime';
import { SendWindow } from './send-window.ts';

/** Activity reports are throttled per socket: presence only needs to know the user is not idle. */
export const ACTIVITY_THROTTLE_MS = 15_000;

/**
 * How long a report waits for others before it is sent: the most an automatic `away` outlives
 * the user's return. One entry per window instead of one per socket: at 10,000 active sockets
 * the per-socket reports were ≈ 670 bus entries a second, each an XADD, a read, a script and an
 * XACK (docs/performance.md, "Activity reports").
 */
export const ACTIVITY_WINDOW_MS = 1000;

/** Returns true when this socket's activity should be reported now (at most once per throttle window). */
export function createActivityThrottle(throttleMs = ACTIVITY_THROTTLE_MS, now: () => number = Date.now) {
  const last = new Map<string, number>();
  return {
    /** Connecting counts as activity, so the first report comes a window after connect. */
    opened(socketId: string): void {
      last.set(socketId, now());
    },
    due(socketId: string): boolean {
      const at = now();
      const previous = last.get(socketId) ?? 0;
      if (at - previous < throttleMs) return false;
      last.set(socketId, at);
      return true;
    },
    closed(socketId: string): void {
      last.delete(socketId);
    },
  };
}
export type ActivityThrottle = ReturnType<typeof createActivityThrottle>;

export interface ActivityReporterOptions {
  bus: Bus;
  log: Logger;
  gatewayId: string;
  windowMs?: number;
  /** A window holding this many users is sent at once (at most ACTIVITY_BATCH_MAX). */
  maxBatch?: number;
}

/**
 * Collects the users this gateway saw active and tells presence once per window
 * (`presence:activities`), each user once however many of their sockets spoke. Fire and forget,
 * like the per-socket report it replaces: a lost report only leaves an `away` until the next one.
 */
export class ActivityReporter {
  private users = new Set<string>();
  private readonly window: SendWindow;
  private readonly maxBatch: number;

  constructor(private readonly options: ActivityReporterOptions) {
    this.window = new SendWindow({ baseMs: options.windowMs ?? ACTIVITY_WINDOW_MS }, () => this.send());
    this.maxBatch = Math.min(options.maxBatch ?? ACTIVITY_BATCH_MAX, ACTIVITY_BATCH_MAX);
  }

  report(userId: string): void {
    this.users.add(userId);
    this.window.added(this.users.size >= this.maxBatch);
  }

  /** Sends what the window holds now and waits for the send (shutdown: before the bus closes). */
  flush(): Promise<void> {
    return this.window.flush();
  }

  private send(): number {
    if (this.users.size === 0) return 0;
    const { bus, log, gatewayId } = this.options;
    const userIds = [...this.users];
    this.users = new Set();
    this.window.track(
      bus
        .send('presence', 'presence:activities', { gatewayId, userIds }, systemContext('gateway', { gatewayId }))
        .catch((error: unknown) => log.warn({ err: error, users: userIds.length }, 'activity not sent')),
    );
    return userIds.length;
  }
}
