import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { createDb, pingDb } from './client.ts';
import { sql } from './sql.ts';

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

test('the readiness probe runs on the pool: Prisma runs no statement for it', async () => {
  const prismaQueries: string[] = [];
  const db = createDb(ADMIN_URL, { poolSize: 1, onPrismaQuery: (query) => prismaQueries.push(query) });
  try {
    await pingDb(db);
    await pingDb(db);
    assert.deepEqual(prismaQueries, [], 'Prisma’s query compiler is loaded by its first statement');
    // The counter does count Prisma's own statements, so the empty list above means something.
    await db.$queryRaw`SELECT 1`;
    assert.equal(prismaQueries.length, 1);
  } finally {
    await db.$disconnect();
  }
});

test('the readiness probe reports a database that does not answer', async () => {
  const db = createDb(`postgresql://postgres@127.0.0.1:${await deadPort()}/postgres`, { poolSize: 1 });
  try {
    // The pool's own error (Prisma's said "Can't reach database server"): either way /readyz answers 503.
    await assert.rejects(pingDb(db), /ECONNREFUSED|reach database/);
  } finally {
    await db.$disconnect();
  }
});

test('$disconnect closes the pool even when Prisma itself never ran a statement', async () => {
  const db = createDb(ADMIN_URL, { poolSize: 1 });
  await pingDb(db);
  await db.$disconnect();
  // An open pool would keep its idle connection (and the process) alive after shutdown.
  await assert.rejects(sql(db, 'SELECT 1'), /end/);
});

test('an idle connection the server drops (a Postgres restart) is discarded, not an uncaught error', async () => {
  const db = createDb(ADMIN_URL, { poolSize: 1 });
  const admin = createDb(ADMIN_URL, { poolSize: 1 });
  try {
    const [row] = await sql<{ pid: number }>(db, 'SELECT pg_backend_pid() AS pid');
    await sql(admin, 'SELECT pg_terminate_backend($1)', [row!.pid]);
    // The idle client hears the termination: without a listener the process would crash here.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pingDb(db);
  } finally {
    await admin.$disconnect();
    await db.$disconnect();
  }
});
