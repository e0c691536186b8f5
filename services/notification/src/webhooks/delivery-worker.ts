import type { Db } from '@switchboard/db';
import { errorMessage, type Logger } from '@switchboard/runtime';
import {
  anyWebhookDue,
  claimDueWebhook,
  markDelivered,
  markFailed,
  markRetry,
  type PendingWebhook,
} from './outbox-store.ts';
import { type AttemptOutcome, postWebhook } from './post-webhook.ts';

export interface DeliveryWorkerOptions {
  db: Db;
  log: Logger;
  url: string;
  /** The HMAC key (the bytes of `WEBHOOK_SECRET` after `whsec_`). */
  key: Buffer;
  /** Delay before attempt n+2 is `retryDelaysMs[n]`; past the last one the event is failed. */
  retryDelaysMs: number[];
  timeoutMs: number;
  /** Deliveries in flight at once (each holds one Postgres connection while it waits). */
  concurrency?: number;
  pollMs?: number;
  onOutcome?: (outcome: 'delivered' | 'retry' | 'failed') => void;
  now?: () => Date;
}

/**
 * Delivers the webhook outbox (`WebhookEvent`, written by every service in its own transactions)
 * at least once. Each attempt runs inside the transaction that claimed the row with SKIP LOCKED
 * and records its outcome there: replicas never send the same event at once, and a process
 * killed mid-attempt leaves the row unchanged and unlocked for the next one. The same
 * `webhook-id` goes with every attempt, so receivers can drop repeats.
 */
export class WebhookDeliveryWorker {
  private readonly pollMs: number;
  private readonly now: () => Date;
  private loops: Promise<void>[] = [];
  private stopped = false;
  /** Wakers of the loops waiting for the next poll, so `close` need not wait a poll out. */
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly o: DeliveryWorkerOptions) {
    this.pollMs = o.pollMs ?? 500;
    this.now = o.now ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    const concurrency = this.o.concurrency ?? 2;
    this.loops = Array.from({ length: concurrency }, () => this.loop());
  }

  /** Stop claiming and wait for the attempts in flight (bounded by the POST timeout). */
  async close(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let claimed = false;
      try {
        claimed = await this.attemptOne();
      } catch (error) {
        // Postgres unreachable, or the transaction outlived its bound: the next poll tries again.
        this.o.log.warn({ err: errorMessage(error) }, 'webhook poll failed');
      }
      if (!claimed) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.sleepers.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, this.pollMs);
      this.sleepers.add(finish);
    });
  }

  /** True when an event was attempted, false when none was due. */
  private async attemptOne(): Promise<boolean> {
    if (!(await anyWebhookDue(this.o.db, this.now()))) return false;
    let result:
      | { event: PendingWebhook; outcome: AttemptOutcome; verdict: 'delivered' | 'retry' | 'failed' }
      | undefined;
    // The transaction may wait as long as the POST may, plus room for the bookkeeping.
    await this.o.db.$transaction(
      async (tx) => {
        const event = await claimDueWebhook(tx, this.now());
        if (!event) return;
        const outcome = await postWebhook(this.o.url, this.o.key, event, this.o.timeoutMs, this.now());
        const at = this.now();
        if (outcome.ok) {
          await markDelivered(tx, event.id, at);
          result = { event, outcome, verdict: 'delivered' };
          return;
        }
        const delay = this.o.retryDelaysMs[event.attempts];
        if (delay === undefined) {
          await markFailed(tx, event.id, at, outcome.error);
          result = { event, outcome, verdict: 'failed' };
          return;
        }
        await markRetry(tx, event.id, new Date(at.getTime() + delay), outcome.error);
        result = { event, outcome, verdict: 'retry' };
      },
      { maxWait: 10_000, timeout: this.o.timeoutMs + 10_000 },
    );
    if (!result) return false;
    this.report(result.event, result.outcome, result.verdict);
    return true;
  }

  private report(event: PendingWebhook, outcome: AttemptOutcome, verdict: 'delivered' | 'retry' | 'failed'): void {
    this.o.onOutcome?.(verdict);
    const fields = { webhookId: event.id, type: event.type, attempt: event.attempts + 1 };
    if (verdict === 'delivered') this.o.log.debug(fields, 'webhook delivered');
    else if (verdict === 'retry')
      this.o.log.warn({ ...fields, err: !outcome.ok && outcome.error }, 'webhook attempt failed');
    else this.o.log.error({ ...fields, err: !outcome.ok && outcome.error }, 'webhook failed: attempts exhausted');
  }
}
