import type { Prisma } from '@switchboard/db';

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
