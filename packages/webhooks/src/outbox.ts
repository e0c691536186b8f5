import crypto from 'node:crypto';
import type { Db, Prisma } from '@switchboard/db';
import type { WebhookEventType } from '@switchboard/protocol';

export type DbClient = Db | Prisma.TransactionClient;

/** Where a service records webhook events; a no-op when `WEBHOOK_URL` is not set. */
export interface WebhookOutbox {
  readonly enabled: boolean;
  /**
   * Record an event for delivery. Pass the transaction that made it happen, so the event exists
   * exactly when the change does (the outbox pattern); delivery is the notification service's.
   */
  enqueue(db: DbClient, type: WebhookEventType, data: Record<string, unknown>): Promise<void>;
  /**
   * Record events that already have their webhook-id and time (presence's journaled
   * transitions, relayed from Redis): an id already in the outbox is skipped, so relaying an
   * event twice — a crash between this and the journal's removal — records it once.
   */
  record(db: DbClient, events: IdentifiedEvent[]): Promise<void>;
}

/** An event whose id and time were fixed where it happened. */
export interface IdentifiedEvent {
  id: string;
  type: WebhookEventType;
  at: Date;
  data: Record<string, unknown>;
}

/** The outbox of a process: enabled by `WEBHOOK_URL` (every process reads the same config). */
export function createWebhookOutbox(
  config: { WEBHOOK_URL?: string | undefined },
  now: () => Date = () => new Date(),
): WebhookOutbox {
  const enabled = Boolean(config.WEBHOOK_URL);
  return {
    enabled,
    async enqueue(db, type, data) {
      if (!enabled) return;
      const id = `msg_${crypto.randomUUID().replaceAll('-', '')}`;
      const at = now();
      const payload = { type, timestamp: at.toISOString(), data } as Prisma.InputJsonValue;
      await db.webhookEvent.create({ data: { id, type, payload, createdAt: at, nextAttemptAt: at } });
    },
    async record(db, events) {
      if (!enabled || events.length === 0) return;
      await db.webhookEvent.createMany({
        data: events.map(({ id, type, at, data }) => ({
          id,
          type,
          payload: { type, timestamp: at.toISOString(), data } as Prisma.InputJsonValue,
          createdAt: at,
          nextAttemptAt: at,
        })),
        skipDuplicates: true,
      });
    },
  };
}
