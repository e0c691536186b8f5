import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { waitFor } from '@switchboard/testkit';
import { WEB_ROOT } from '../build-inputs.ts';

const REPO = path.resolve(WEB_ROOT, '..', '..');

export interface EmbeddedServer {
  url: string;
  port: number;
  output(): string;
  /** SIGTERM (graceful) and wait for the exit. */
  stop(): Promise<void>;
  /** Start again on the same port and database (the page keeps running meanwhile). */
  start(): Promise<void>;
}

/**
 * `npm start` as a newcomer runs it, on a database of the test's own and a free port, with the
 * public dev secret (no JWT_SECRET). The first start goes through `npm start` itself (prisma
 * generate, the web build check); restarts run the entry directly, in their own process group.
 */
export async function startEmbeddedServer({
  port,
  databaseUrl,
  env: extraEnv = {},
}: {
  port: number;
  databaseUrl: string;
  /** More variables for the server (e.g. API_KEY for the backend REST routes). */
  env?: Record<string, string>;
}): Promise<EmbeddedServer> {
  let child: ChildProcess | undefined;
  let output = '';
  let first = true;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_MS: '300',
  };
  for (const name of ['REDIS_URL', 'JWT_SECRET', 'JWT_PUBLIC_KEY', 'NODE_ENV']) delete env[name];
  Object.assign(env, extraEnv);

  const start = async () => {
    const [command, args] = first
      ? ['npm', ['start', '--silent']]
      : [process.execPath, ['--import', 'tsx', 'packages/cli/src/embedded.ts']];
    first = false;
    const proc = spawn(command, args as string[], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`npm start did not come up within 120 s:\n${output.slice(-4000)}`)),
        120_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (process.env.WEB_VERBOSE) process.stderr.write(chunk);
        if (output.includes(`Switchboard listening on http://localhost:${port}`)) {
          clearTimeout(timer);
          output = output.replace(`Switchboard listening on http://localhost:${port}`, 'Switchboard listened');
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited with ${code}:\n${output.slice(-4000)}`));
      });
    });
  };

  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // The process group: npm and the server it started.
    process.kill(-proc.pid!, 'SIGTERM');
    const timer = setTimeout(() => process.kill(-proc.pid!, 'SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
    child = undefined;
    // npm may exit before the server it started has finished its graceful stop.
    await waitFor(() => isPortFree(port, '0.0.0.0'), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `port ${port} to be free`,
    });
  };

  await start();
  return { url: `http://127.0.0.1:${port}`, port, output: () => output, stop, start };
}

function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

export interface Relay {
  url: string;
  close(): Promise<void>;
}

/**
 * A TCP relay that reaches `target` from the source address `localAddress` (127.0.N.1). nginx's
 * ip_hash hashes the client's address and a browser cannot choose its own, so each party browses
 * through its own relay, like people behind different NATs. Bytes pass through untouched.
 */
export async function startRelay(targetPort: number, localAddress: string): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host: '127.0.0.1', port: targetPort, localAddress });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
