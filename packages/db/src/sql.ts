import type pg from 'pg';
import type { PrismaClient } from './generated/prisma/client.ts';

interface Direct {
  pool: pg.Pool;
  onQuery?: (operation: string, seconds: number) => void;
}
const direct = new WeakMap<PrismaClient, Direct>();

/** Called by createDb: the pool under Prisma's driver adapter, for `sql`. */
export function registerPool(db: PrismaClient, pool: pg.Pool, onQuery?: Direct['onQuery']): void {
  direct.set(db, { pool, onQuery });
}

/**
 * One statement on the pool Prisma itself uses, without Prisma: for the few statements every
 * connect runs (session:open in messaging, notification, call-signaling). Even `$queryRaw` goes
 * through Prisma's query interpreter and costs ≈ 0.4–0.6 ms of CPU a statement here; the pool
 * costs a fraction of that (services/gateway/bench/connect-cpu.ts). Only for statements whose
 * results need no Prisma type mapping (text, booleans, int4 counts, text arrays): the pool uses
 * pg's default parsers. A client not made by createDb (a test's) falls back to `$queryRawUnsafe`.
 */
export async function sql<Row>(db: PrismaClient, text: string, values: unknown[] = []): Promise<Row[]> {
  const entry = direct.get(db);
  if (!entry) return db.$queryRawUnsafe<Row[]>(text, ...values);
  const started = performance.now();
  const result = await entry.pool.query(text, values);
  entry.onQuery?.(statementKind(text), (performance.now() - started) / 1000);
  return result.rows as Row[];
}

/** A transaction's statements: `query` runs one on the transaction's connection. */
export interface SqlTx {
  query<Row>(text: string, values?: unknown[]): Promise<Row[]>;
}

/** No statement of a transaction may run longer than this (what Prisma's interactive transactions bounded too). */
const STATEMENT_TIMEOUT_MS = 15_000;

/**
 * A transaction on one connection of the pool, without Prisma: for the group commit, whose
 * handful of statements per batch cost ≈ 2 ms each through Prisma's interactive transaction
 * (the hop trace: 15–19 ms to commit a batch of one message). Commits when `work` resolves. When
 * it throws, the connection is destroyed instead of rolled back — Postgres aborts a transaction
 * whose connection is gone, and a connection that failed mid-statement is not worth reusing.
 * Same type caveats as `sql`: pg's default parsers (read timestamps as `timestamptz`).
 */
export async function sqlTransaction<T>(db: PrismaClient, work: (tx: SqlTx) => Promise<T>): Promise<T> {
  const entry = direct.get(db);
  if (!entry) {
    return db.$transaction((tx) =>
      work({ query: <Row>(text: string, values: unknown[] = []) => tx.$queryRawUnsafe<Row[]>(text, ...values) }),
    );
  }
  const { pool, onQuery } = entry;
  const client = await pool.connect();
  // A connection that dies between two statements (a Postgres restart) emits `error` on the
  // checked-out client, which would crash the process unheard; the next statement fails anyway.
  let lost: Error | undefined;
  const onLost = (error: Error) => {
    lost = error;
  };
  client.on('error', onLost);
  const query = async <Row>(text: string, values: unknown[] = []): Promise<Row[]> => {
    const started = performance.now();
    // pg reads `query_timeout` per query (client-side, so a server that stops answering is bounded too); its types omit it.
    const config: pg.QueryConfig & { query_timeout: number } = { text, values, query_timeout: STATEMENT_TIMEOUT_MS };
    const result = await client.query(config);
    onQuery?.(statementKind(text), (performance.now() - started) / 1000);
    return result.rows as Row[];
  };
  let failed: Error | undefined;
  try {
    await query('BEGIN');
    const result = await work({ query });
    await query('COMMIT');
    return result;
  } catch (error) {
    failed = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.off('error', onLost);
    // An error destroys the connection instead of returning it to the pool.
    client.release(failed ?? lost);
  }
}

/** `select`, `insert`, `update`, `delete`, `begin`, `commit`… — a label with few values. */
export function statementKind(sql: string): string {
  const word = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toLowerCase() ?? 'other';
  return ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'with'].includes(word)
    ? word
    : 'other';
}
