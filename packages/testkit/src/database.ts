import crypto from 'node:crypto';
import { createDb, type Db, migrateDeploy } from '@switchboard/db';
import pg from 'pg';

/** Admin connection for creating per-test databases (the machine's Postgres, trust auth). */
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** Read at call time: `run-tests.ts` picks a name per run so concurrent runs never collide. */
export function templateDb(): string {
  return process.env.TEST_TEMPLATE_DB ?? 'sb_test_template';
}

function urlFor(database: string): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Recreate the template database and run `prisma migrate deploy` on it (once per test run). */
export async function prepareTemplateDatabase(): Promise<void> {
  const name = templateDb();
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  await migrateDeploy(urlFor(name));
}

export async function dropTemplateDatabase(): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${templateDb()}" WITH (FORCE)`));
}

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file, cloned from the template. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `sb_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDb()}"`));
  const url = urlFor(name);
  const db = createDb(url, { poolSize: 5 });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** A fresh database migrated from nothing (`migrateDeploy`, no template): for benches, which run outside the test runner. */
export async function createBenchDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sb_bench_${label}_${crypto.randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = urlFor(name);
  await migrateDeploy(url);
  return { url, drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}) };
}

/**
 * Another client on a test database that records each statement Prisma itself runs (`sql`'s are
 * not recorded): for tests that an idle path stays off Prisma, whose first statement instantiates
 * its WebAssembly query compiler (≈ 25 MB of a process's RSS). `$disconnect` it at the end.
 */
export function prismaWatchedDb(url: string): { db: Db; prismaStatements: string[] } {
  const prismaStatements: string[] = [];
  const db = createDb(url, { poolSize: 2, onPrismaQuery: (query) => prismaStatements.push(query) });
  return { db, prismaStatements };
}
