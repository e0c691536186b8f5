// A database connection terminated under a running query (pg_terminate_backend, as a failover or
// an operator does) must reach the edge as UNAVAILABLE — retry — and not as INTERNAL; the pool
// then serves the next query on a fresh connection. Real Postgres, real Prisma errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDb, type Db } from '@switchboard/db';
import { isConnectionFailure, toAckFailure } from '@switchboard/runtime';
import { createTestDatabase, type TestDatabase, waitFor } from '@switchboard/testkit';

let database: TestDatabase;
let killer: Db;

before(async () => {
  database = await createTestDatabase('connection_loss');
  killer = createDb(database.url, { poolSize: 1 });
});

after(async () => {
  await killer?.$disconnect();
  await database?.drop();
});

const sleepers = () =>
  killer.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity
    WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()`;

test('a query whose connection is terminated fails as a lost connection, answered UNAVAILABLE', async () => {
  const running = database.db.$queryRaw`SELECT pg_sleep(30)`.then(
    () => undefined,
    (error: unknown) => error,
  );
  await waitFor(async () => (await sleepers()).length === 1, { timeoutMs: 10_000, what: 'the query running' });
  await killer.$queryRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()`;
  const error = await running;
  assert.ok(error, 'the query failed');
  assert.equal(isConnectionFailure(error), true, String(error));
  assert.deepEqual(toAckFailure(error).code, 'UNAVAILABLE');

  // The pool recovers by itself.
  assert.deepEqual(await database.db.$queryRaw`SELECT 1::int AS one`, [{ one: 1 }]);
});

test('an ordinary query error stays INTERNAL', async () => {
  const error = await database.db.$queryRaw`SELECT * FROM no_such_table`.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error);
  assert.equal(isConnectionFailure(error), false);
  assert.equal(toAckFailure(error).code, 'INTERNAL');
});
