import type { Db, Prisma } from '@switchboard/db';
import { errorMessage, type Logger } from '@switchboard/runtime';
import { claimDueTimer, type DueTimer, deleteTimer, nextDueAt, postponeTimer } from './timer-store.ts';

/** Work to do once the timer's transaction has committed (socket emits): runs at most once. */
export type AfterCommit = () => unknown;

/**
 * Fires one timer inside the transaction that claimed it: the handler's database writes and the
 * timer's deletion commit together, so each timer's effect on the database happens exactly once
 * however many replicas poll and whoever crashes. Return an `AfterCommit` for side effects that
 * must not run if the transaction rolls back.
 */
export type TimerHandler = (timer: DueTimer, tx: Prisma.TransactionClient) => Promise<AfterCommit | undefined>;

export interface TimerWorkerOptions {
  db: Db;
  log: Logger;
  /** Handlers by kind: this worker claims timers of these kinds only. */
  handlers: Record<string, TimerHandler>;
  /**
   * How often the table is polled when no timer is due sooner: the bound on lateness for a timer
   * that another process schedules less than this ahead. Timers already in the table are fired at
   * their due time (the worker sleeps until the earliest one).
   */
  pollMs?: number;
  /** Delay before a failed timer is tried again (doubles per attempt, capped at 60 s). */
  retryBaseMs?: number;
  /** Observes each firing's lateness (fired − due), in seconds. */
  onFired?: (kind: string, latenessSeconds: number) => void;
  now?: () => Date;
}

/**
 * Polls `DurableTimer` for due rows of its kinds and fires them one transaction each. Any number
 * of replicas may run one: `FOR UPDATE SKIP LOCKED` keeps them from taking the same row. A
 * restarted process fires overdue timers at once on its first poll.
 */
export class TimerWorker {
  private readonly kinds: string[];
  private readonly pollMs: number;
  private readonly retryBaseMs: number;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private again = false;

  constructor(private readonly o: TimerWorkerOptions) {
    this.kinds = Object.keys(o.handlers);
    this.pollMs = o.pollMs ?? 250;
    this.retryBaseMs = o.retryBaseMs ?? 1000;
    this.now = o.now ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Poll now (e.g. right after scheduling a timer due soon), instead of at the next tick. */
  wake(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .then((next) => this.sleepUntil(next))
      .finally(() => {
        this.running = undefined;
        if (this.stopped || !this.again) return;
        this.again = false;
        this.wake();
      });
  }

  /** Stop polling and wait for the timer being fired, if any. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Fire due timers until none is left (or we are stopped); then read when the next one falls
   * due, so a timer already scheduled fires on time rather than up to a poll interval late.
   */
  private async drain(): Promise<Date | undefined> {
    try {
      while (!this.stopped) {
        // The idle poll is this one statement on the pool; Prisma's claiming transaction runs only
        // when a timer is due, so a service with no timer due never loads Prisma's query compiler.
        const next = await nextDueAt(this.o.db, this.kinds);
        if (next === undefined || next.getTime() > this.now().getTime()) return next;
        if (!(await this.fireOne())) return next;
      }
    } catch (error) {
      // The database is unreachable: the next poll tries again.
      this.o.log.warn({ err: errorMessage(error) }, 'timer poll failed');
    }
    return undefined;
  }

  private sleepUntil(next: Date | undefined): void {
    if (this.stopped || this.again) return;
    const untilNext = next === undefined ? Number.POSITIVE_INFINITY : next.getTime() - this.now().getTime();
    // A due time already past is a row another replica holds (or one it is firing): polling it
    // at once would spin, so it waits for the ordinary poll like any timer scheduled elsewhere.
    const delayMs = untilNext > 0 ? Math.min(this.pollMs, untilNext) : this.pollMs;
    this.timer = setTimeout(() => this.wake(), delayMs);
    this.timer.unref();
  }

  /** True when a timer was claimed (fired or postponed), false when none was due. */
  private async fireOne(): Promise<boolean> {
    let claimed: (DueTimer & { id: string }) | undefined;
    let after: AfterCommit | undefined;
    try {
      await this.o.db.$transaction(async (tx) => {
        claimed = await claimDueTimer(tx, this.kinds, this.now());
        if (!claimed) return;
        const handler = this.o.handlers[claimed.kind];
        if (!handler) throw new Error(`no handler for timer kind ${claimed.kind}`);
        after = await handler(claimed, tx);
        await deleteTimer(tx, claimed.id);
      });
    } catch (error) {
      if (!claimed) throw error;
      await this.postpone(claimed, error);
      return true;
    }
    if (!claimed) return false;
    const latenessSeconds = Math.max(0, this.now().getTime() - claimed.dueAt.getTime()) / 1000;
    this.o.onFired?.(claimed.kind, latenessSeconds);
    this.o.log.debug(
      { kind: claimed.kind, key: claimed.key, latenessMs: Math.round(latenessSeconds * 1000) },
      'timer fired',
    );
    await this.runAfterCommit(claimed, after);
    return true;
  }

  private async postpone(timer: DueTimer & { id: string }, error: unknown): Promise<void> {
    const delayMs = Math.min(60_000, this.retryBaseMs * 2 ** timer.attempts);
    this.o.log.error(
      { kind: timer.kind, key: timer.key, attempts: timer.attempts + 1, err: error, retryInMs: delayMs },
      'timer failed',
    );
    await postponeTimer(this.o.db, timer.id, new Date(this.now().getTime() + delayMs));
  }

  private async runAfterCommit(timer: DueTimer, after: AfterCommit | undefined): Promise<void> {
    if (!after) return;
    try {
      await after();
    } catch (error) {
      this.o.log.error({ kind: timer.kind, key: timer.key, err: error }, 'timer after-commit effect failed');
    }
  }
}
