import { type Db, type Prisma, sql } from '@switchboard/db';

/** A transaction or the client itself: timers are written in the caller's transaction. */
export type DbClient = Db | Prisma.TransactionClient;

export interface TimerSpec {
  /** Which handler fires it, e.g. `call.ring-timeout`. */
  kind: string;
  /** Identity within the kind (a call id, `alertId:level`): scheduling the same key again moves it. */
  key: string;
  dueAt: Date;
  payload?: Prisma.InputJsonValue;
}

export interface DueTimer {
  kind: string;
  key: string;
  dueAt: Date;
  payload: unknown;
  /** Failed attempts before this one. */
  attempts: number;
}

const timerId = (kind: string, key: string) => `${kind}:${key}`;

/**
 * Schedule (or move) a timer. Write it in the same transaction as the state it guards, so the
 * two exist together or not at all: a crash can never leave a call ringing without its timeout.
 */
export async function scheduleTimer(db: DbClient, { kind, key, dueAt, payload = {} }: TimerSpec): Promise<void> {
  const id = timerId(kind, key);
  await db.durableTimer.upsert({
    where: { id },
    create: { id, kind, key, dueAt, payload },
    update: { dueAt, payload, attempts: 0 },
  });
}

/** Cancel timers by key (e.g. every remaining escalation step of an acknowledged alert). */
export async function cancelTimers(db: DbClient, kind: string, keys: string | string[]): Promise<number> {
  const ids = (Array.isArray(keys) ? keys : [keys]).map((key) => timerId(kind, key));
  const { count } = await db.durableTimer.deleteMany({ where: { id: { in: ids } } });
  return count;
}

/** Cancel every timer of a kind whose key starts with `prefix` (e.g. `alertId:`). */
export async function cancelTimersWithPrefix(db: DbClient, kind: string, prefix: string): Promise<number> {
  const { count } = await db.durableTimer.deleteMany({ where: { kind, key: { startsWith: prefix } } });
  return count;
}

/**
 * Lock one due timer of the given kinds for this transaction. `SKIP LOCKED`: two replicas polling
 * at once never take the same row; a row held by a process that died is released with its
 * connection, and the next poll takes it.
 */
export async function claimDueTimer(
  tx: Prisma.TransactionClient,
  kinds: string[],
  now: Date,
): Promise<(DueTimer & { id: string }) | undefined> {
  const rows = await tx.$queryRaw<
    { id: string; kind: string; key: string; dueAt: Date; payload: unknown; attempts: number }[]
  >`
    SELECT "id", "kind", "key", "dueAt", "payload", "attempts" FROM "DurableTimer"
    WHERE "kind" = ANY(${kinds}) AND "dueAt" <= ${now}
    ORDER BY "dueAt"
    LIMIT 1
    FOR UPDATE SKIP LOCKED`;
  return rows[0];
}

/**
 * When the earliest timer of these kinds falls due (locked or not), or undefined when there is
 * none: lets a worker sleep until then instead of finding it at its next poll.
 */
export async function nextDueAt(db: Db, kinds: string[]): Promise<Date | undefined> {
  // On the pool, not Prisma: this is every idle poll (docs/architecture.md, "Idle memory").
  // Read as timestamptz (the stored value is UTC), so pg's parser makes the right Date.
  const rows = await sql<{ next: Date | null }>(
    db,
    `SELECT (min("dueAt") AT TIME ZONE 'UTC') AS "next" FROM "DurableTimer" WHERE "kind" = ANY($1)`,
    [kinds],
  );
  return rows[0]?.next ?? undefined;
}

/**
 * The fired timer's row goes with its transaction. `deleteMany`: the handler may already have
 * cancelled it itself (a call's ending cancels every timer of the call, the firing one included).
 */
export async function deleteTimer(tx: Prisma.TransactionClient, id: string): Promise<void> {
  await tx.durableTimer.deleteMany({ where: { id } });
}

/** A handler failed: try again later, bounded by the caller's backoff. */
export async function postponeTimer(db: DbClient, id: string, dueAt: Date): Promise<void> {
  await db.durableTimer.updateMany({ where: { id }, data: { dueAt, attempts: { increment: 1 } } });
}
