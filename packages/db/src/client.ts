import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';
import { registerPool, statementKind } from './sql.ts';

export { Prisma, PrismaClient } from './generated/prisma/client.ts';
export type * from './generated/prisma/models.ts';
export { type SqlOptions, sql, statementKind } from './sql.ts';

export type Db = PrismaClient;

export interface DbOptions {
  poolSize?: number;
  /** Called after every SQL statement with its kind (`select`, `insert`, …) and duration: feeds the latency histogram. */
  onQuery?: (operation: string, seconds: number) => void;
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
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const { onQuery } = options;
  if (!onQuery) {
    const plain = new PrismaClient({ adapter });
    registerPool(plain, pool);
    return plain;
  }
  const db = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  db.$on('query', (event) => onQuery(statementKind(event.query), event.duration / 1000));
  registerPool(db as unknown as Db, pool, onQuery);
  return db as unknown as Db; // the log option only changes the type of `$on`
}

/** Readiness probe. */
export async function pingDb(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
