import { type CallModel, type Db, type Prisma, sql } from '@switchboard/db';
import { CALL_STATES, type CallState } from '@switchboard/protocol';

/** A `Call` row with its state typed (the column is text; this service writes only CALL_STATES). */
export type CallRow = Omit<CallModel, 'state'> & { state: CallState };

export function asRow(model: CallModel): CallRow {
  if (!(CALL_STATES as readonly string[]).includes(model.state)) throw new Error(`call ${model.id} in unknown state`);
  return model as CallRow;
}
const asRowOrNull = (model: CallModel | null) => (model ? asRow(model) : null);
export type Tx = Prisma.TransactionClient;
export type DbClient = Db | Tx;

/** States in which a call holds its parties: ringing or accepted. */
export const LIVE_STATES: CallState[] = ['ringing', 'accepted'];

/**
 * Serialise every call decision touching these users (initiate, accept), across replicas: an
 * advisory lock per user, taken in sorted order so two transactions never deadlock. Held until
 * the transaction ends. This is what makes "busy" and glare atomic.
 */
export async function lockUsers(tx: Tx, userIds: string[]): Promise<void> {
  const keys = [...new Set(userIds)].sort().map((id) => `call-user:${id}`);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT k FROM unnest(${keys}::text[]) AS k ORDER BY k) AS sorted`;
}

export async function findCall(db: DbClient, callId: string): Promise<CallRow | null> {
  return asRowOrNull(await db.call.findUnique({ where: { id: callId } }));
}

/** The call, its row locked until the transaction ends (serialises one call's quality samples). */
export async function lockCall(tx: Tx, callId: string): Promise<CallRow | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Call" WHERE "id" = ${callId} FOR UPDATE`;
  return rows[0] ? findCall(tx, callId) : null;
}

/** A ringing or accepted call between the two users, in either direction. */
export async function findLiveBetween(tx: Tx, a: string, b: string): Promise<CallRow | null> {
  const row = await tx.call.findFirst({
    where: {
      state: { in: LIVE_STATES },
      OR: [
        { callerId: a, calleeId: b },
        { callerId: b, calleeId: a },
      ],
    },
    orderBy: { createdAt: 'asc' },
  });
  return asRowOrNull(row);
}

/** Which of `userIds` are a party of an accepted call (other than `exceptCallId`). */
export async function busyUsers(tx: Tx, userIds: string[], exceptCallId?: string): Promise<Set<string>> {
  const rows = await tx.call.findMany({
    where: {
      state: 'accepted',
      ...(exceptCallId ? { id: { not: exceptCallId } } : {}),
      OR: [{ callerId: { in: userIds } }, { calleeId: { in: userIds } }],
    },
    select: { callerId: true, calleeId: true },
  });
  const busy = new Set<string>();
  for (const row of rows) {
    if (userIds.includes(row.callerId)) busy.add(row.callerId);
    if (userIds.includes(row.calleeId)) busy.add(row.calleeId);
  }
  return busy;
}

/**
 * The conditional UPDATE every transition goes through: it changes the call only if it is still
 * in `from`, so of two replicas racing on one call exactly one sees its row back.
 */
export async function transitionCall(
  tx: Tx,
  callId: string,
  from: CallState,
  data: Prisma.CallUpdateManyMutationInput,
): Promise<CallRow | null> {
  const { count } = await tx.call.updateMany({ where: { id: callId, state: from }, data });
  if (count === 0) return null;
  return findCall(tx, callId);
}

/*
 * Every connect and disconnect asks whether the socket's user (or the socket) holds a live call,
 * and almost never does. One EXISTS on the pool (packages/db/src/sql.ts) answers that at a
 * fraction of the CPU of a Prisma findMany, which compiles its query in WebAssembly every time
 * (the largest part of this service's CPU in a connect burst: services/gateway/bench/connect-cpu.ts);
 * the full query runs only when there is a call to load.
 */
async function anyLive(db: Db, column: 'user' | 'socket', id: string): Promise<boolean> {
  const [a, b] = column === 'user' ? ['"callerId"', '"calleeId"'] : ['"callerSocketId"', '"calleeSocketId"'];
  const rows = await sql<{ live: boolean }>(
    db,
    `SELECT EXISTS (SELECT 1 FROM "Call" WHERE "state" = ANY($1::text[]) AND (${a} = $2 OR ${b} = $2)) AS live`,
    [LIVE_STATES, id],
  );
  return rows[0]?.live === true;
}

/**
 * Of `ids` (users, or sockets), those a ringing or accepted call names: one statement for a whole
 * batch of sessions, where `anyLive` would be one per socket. Almost always empty.
 */
export async function idsInLiveCalls(db: Db, column: 'user' | 'socket', ids: string[]): Promise<Set<string>> {
  const [a, b] = column === 'user' ? ['"callerId"', '"calleeId"'] : ['"callerSocketId"', '"calleeSocketId"'];
  const rows = await sql<{ id: string }>(
    db,
    `SELECT ${a} AS id FROM "Call" WHERE "state" = ANY($1::text[]) AND ${a} = ANY($2::text[])
     UNION SELECT ${b} AS id FROM "Call" WHERE "state" = ANY($1::text[]) AND ${b} = ANY($2::text[])`,
    [LIVE_STATES, ids],
  );
  return new Set(rows.map((r) => r.id));
}

/** Ringing or accepted calls a socket carries (as the caller's initiating or the callee's answering socket). */
export async function liveCallsOfSocket(db: Db, socketId: string): Promise<CallRow[]> {
  if (!(await anyLive(db, 'socket', socketId))) return [];
  const rows = await db.call.findMany({
    where: { state: { in: LIVE_STATES }, OR: [{ callerSocketId: socketId }, { calleeSocketId: socketId }] },
  });
  return rows.map(asRow);
}

export async function liveCallsOfUser(db: Db, userId: string): Promise<CallRow[]> {
  if (!(await anyLive(db, 'user', userId))) return [];
  const rows = await db.call.findMany({
    where: { state: { in: LIVE_STATES }, OR: [{ callerId: userId }, { calleeId: userId }] },
  });
  return rows.map(asRow);
}

/**
 * On the pool, not Prisma: every /metrics scrape runs it (the `switchboard_calls_active` gauge),
 * and an idle service should not load Prisma's query compiler for a scrape.
 */
export async function countLiveCalls(db: Db): Promise<{ ringing: number; accepted: number }> {
  const groups = await sql<{ state: string; count: number }>(
    db,
    `SELECT "state", count(*)::int AS "count" FROM "Call" WHERE "state" = ANY($1) GROUP BY "state"`,
    [LIVE_STATES],
  );
  const of = (state: CallState) => groups.find((g) => g.state === state)?.count ?? 0;
  return { ringing: of('ringing'), accepted: of('accepted') };
}
