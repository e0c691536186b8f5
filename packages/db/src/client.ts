import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';
import { registerPool, sql, statementKind } from './sql.ts';

export { Prisma, PrismaClient } from './generated/prisma/client.ts';
export type * from './generated/prisma/models.ts';
export { type SqlOptions, sql, statementKind } from './sql.ts';

export type Db = PrismaClient;

export interface DbOptions {
  poolSize?: number;
  /** Called after every SQL statement with its kind (`select`, `insert`, …) and duration: feeds the latency histogram. */
  onQuery?: (operation: string, seconds: number) => void;
  /** Called with each statement Prisma itself runs (not `sql`'s): lets a test check that a path stays off Prisma. */
  onPrismaQuery?: (query: string) => void;
}

/** Prisma on the pg driver adapter (the only engine that runs offline here; docs/architecture.md). */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  // Our own pool, handed to the adapter, so `sql` can run hot statements on it without Prisma.
  // A bounded wait for a free connection, like Prisma's own transactions had (maxWait).
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
  });
  // pg-pool emits `error` when the server drops an idle connection (a Postgres restart, a
  // terminated backend), and an unheard `error` crashes the process. Prisma's adapter listens
  // only once Prisma first connects, which an idle service (its statements all through `sql`)
  // never does. The pool has already discarded that client; the next statement opens another.
  pool.on('error', () => undefined);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const { onQuery, onPrismaQuery } = options;
  if (!onQuery && !onPrismaQuery) {
    const plain = new PrismaClient({ adapter });
    registerPool(plain, pool);
    return endPoolOnDisconnect(plain, pool);
  }
  const db = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  db.$on('query', (event) => {
    onQuery?.(statementKind(event.query), event.duration / 1000);
    onPrismaQuery?.(event.query);
  });
  registerPool(db as unknown as Db, pool, onQuery);
  return endPoolOnDisconnect(db as unknown as Db, pool); // the log option only changes the type of `$on`
}

/**
 * Prisma disposes of the adapter's pool only if it ever ran a query: a client whose statements
 * all went through `sql` (an idle service) would keep its idle connections open after
 * `$disconnect` — the process lingers 10 s, and a dropped database kills them with an unheard
 * `error`.
 */
function endPoolOnDisconnect(db: Db, pool: pg.Pool): Db {
  const disconnect = db.$disconnect.bind(db);
  db.$disconnect = async () => {
    await disconnect();
    if (!pool.ending && !pool.ended) await pool.end();
  };
  return db;
}

/**
 * Readiness probe, on the pool rather than through Prisma: its first query instantiates the
 * WebAssembly query compiler (≈ 25 MB of RSS), which an idle service should not pay for a probe.
 */
export async function pingDb(db: Db): Promise<void> {
  await sql(db, 'SELECT 1');
}
