import { type Db, type Prisma, sql } from '@switchboard/db';

export interface PendingWebhook {
  id: string;
  type: string;
  payload: unknown;
  /** Attempts made before this one. */
  attempts: number;
}

/**
 * Lock one due, undelivered event for this transaction. `SKIP LOCKED`: replicas polling at once
 * never take the same row; a row held by a process that died is released with its connection,
 * so the next poll anywhere takes it.
 */
/**
 * Whether an event is due (locked or not), on the pool rather than in a Prisma transaction: the
 * delivery loops' idle poll, twice a second each, which would otherwise keep Prisma's query
 * compiler loaded and its transactions running in a service with nothing to deliver.
 */
export async function anyWebhookDue(db: Db, now: Date): Promise<boolean> {
  const rows = await sql<{ due: boolean }>(
    db,
    `SELECT EXISTS (
       SELECT 1 FROM "WebhookEvent"
        WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "nextAttemptAt" <= ($1::timestamptz AT TIME ZONE 'UTC')
     ) AS "due"`,
    [now],
  );
  return rows[0]?.due ?? false;
}

export async function claimDueWebhook(tx: Prisma.TransactionClient, now: Date): Promise<PendingWebhook | undefined> {
  const rows = await tx.$queryRaw<PendingWebhook[]>`
    SELECT "id", "type", "payload", "attempts" FROM "WebhookEvent"
    WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL AND "nextAttemptAt" <= ${now}
    ORDER BY "nextAttemptAt"
    LIMIT 1
    FOR UPDATE SKIP LOCKED`;
  return rows[0];
}

export async function markDelivered(tx: Prisma.TransactionClient, id: string, at: Date): Promise<void> {
  await tx.webhookEvent.update({
    where: { id },
    data: { deliveredAt: at, attempts: { increment: 1 }, lastError: null },
  });
}

export async function markRetry(tx: Prisma.TransactionClient, id: string, nextAttemptAt: Date, error: string) {
  await tx.webhookEvent.update({
    where: { id },
    data: { nextAttemptAt, attempts: { increment: 1 }, lastError: error },
  });
}

export async function markFailed(tx: Prisma.TransactionClient, id: string, at: Date, error: string): Promise<void> {
  await tx.webhookEvent.update({ where: { id }, data: { failedAt: at, attempts: { increment: 1 }, lastError: error } });
}
