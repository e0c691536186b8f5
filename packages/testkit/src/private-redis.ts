import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { waitFor } from './wait.ts';

/** A free TCP port on 127.0.0.1 (free when asked; bind it soon). */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A `redis-server` of a test's own on its own port, without persistence, so the test can kill it
 * and start it again empty (a crash without persistence) while the machine's shared Redis, which
 * other suites use, never goes down.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  /** Start (again, empty) on the same port. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, nothing saved. */
  kill(): Promise<void>;
}

export function privateRedis(port: number): PrivateRedis {
  let server: ChildProcess | undefined;
  const running = () => server !== undefined && server.exitCode === null && server.signalCode === null;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (running()) return;
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      server = child;
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitFor(() => output.includes('Ready to accept connections') || child.exitCode !== null, {
        timeoutMs: 15_000,
        what: 'redis-server ready',
      });
      if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited: ${output.slice(-500)}`);
    },
    async kill() {
      if (!server || !running()) return;
      const exited = once(server, 'exit');
      server.kill('SIGKILL');
      await exited;
    },
  };
}
