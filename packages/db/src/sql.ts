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

export interface SqlOptions {
  /** Give up on the statement after this long (default: wait). */
  timeoutMs?: number;
}

/**
 * One statement on the pool Prisma itself uses, without Prisma: for the few statements every
 * connect runs (session:open in messaging, notification, call-signaling) and messaging's group
 * commit (one function call per batch). Even `$queryRaw` goes through Prisma's query interpreter
 * and costs ≈ 0.4–0.6 ms of CPU a statement here; the pool costs a fraction of that
 * (services/gateway/bench/connect-cpu.ts). Only for statements whose results need no Prisma type
 * mapping: the pool uses pg's default parsers (text, booleans, int4, arrays, jsonb; timestamps
 * read right only as `timestamptz`). A client not made by createDb falls back to `$queryRawUnsafe`.
 */
export async function sql<Row>(
  db: PrismaClient,
  text: string,
  values: unknown[] = [],
  options: SqlOptions = {},
): Promise<Row[]> {
  const entry = direct.get(db);
  if (!entry) return db.$queryRawUnsafe<Row[]>(text, ...values);
  const started = performance.now();
  // pg reads `query_timeout` per query (client-side, so a server that stops answering is bounded
  // too; pool.query then destroys the connection); its types omit it.
  const config: pg.QueryConfig & { query_timeout?: number } = { text, values, query_timeout: options.timeoutMs };
  const result = await entry.pool.query(config);
  entry.onQuery?.(statementKind(text), (performance.now() - started) / 1000);
  return result.rows as Row[];
}

/** `select`, `insert`, `update`, `delete`, `begin`, `commit`… — a label with few values. */
export function statementKind(sql: string): string {
  const word = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toLowerCase() ?? 'other';
  return ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'with'].includes(word)
    ? word
    : 'other';
}
