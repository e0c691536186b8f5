import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export { Prisma, PrismaClient } from './generated/prisma/client.ts';
export type * from './generated/prisma/models.ts';

export type Db = PrismaClient;

export interface DbOptions {
  poolSize?: number;
  /** Called after every SQL statement with its kind (`select`, `insert`, …) and duration: feeds the latency histogram. */
  onQuery?: (operation: string, seconds: number) => void;
}

/** Prisma on the pg driver adapter (the only engine that runs offline here; docs/architecture.md). */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  const { onQuery } = options;
  if (!onQuery) return new PrismaClient({ adapter });
  const db = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  db.$on('query', (event) => onQuery(statementKind(event.query), event.duration / 1000));
  return db as unknown as Db; // the log option only changes the type of `$on`
}

/** `select`, `insert`, `update`, `delete`, `begin`, `commit`… — a label with few values. */
export function statementKind(sql: string): string {
  const word = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toLowerCase() ?? 'other';
  return ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'with'].includes(word)
    ? word
    : 'other';
}

/** Readiness probe. */
export async function pingDb(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
