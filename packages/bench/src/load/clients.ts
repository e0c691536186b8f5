import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

/**
 * nginx `ip_hash` hashes the first three octets, so clients bound to 127.0.1.1, 127.0.2.1, …
 * spread over the upstreams while 127.0.0.x would all land on one.
 */
export function localAddressFor(index: number, spread = 8): string {
  return `127.0.${(index % spread) + 1}.1`;
}

const agents = new Map<string, http.Agent>();
function agentFor(localAddress: string): http.Agent {
  let agent = agents.get(localAddress);
  if (!agent) {
    agent = new http.Agent({ localAddress });
    agents.set(localAddress, agent);
  }
  return agent;
}

export interface OpenedSocket<S extends Socket = Socket> {
  socket: S;
  handshakeMs: number;
}

/**
 * One client socket over WebSocket only (no polling upgrade), its own connection
 * (`forceNew`), no automatic reconnection: a failure must show up as a failure.
 */
export function openSocket<S extends Socket = Socket>(
  url: string,
  token: string,
  localAddress: string,
  timeoutMs = 15_000,
): Promise<OpenedSocket<S>> {
  const started = performance.now();
  // engine.io-client's types declare `agent` as string | boolean, but in Node its WebSocket
  // transport hands the option to `ws`, which takes an http.Agent (this is how localAddress applies).
  const options = {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
    auth: { token },
    agent: agentFor(localAddress),
  } as unknown as Partial<ManagerOptions & SocketOptions>;
  const socket = io(url, options) as S;
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, handshakeMs: performance.now() - started }));
    socket.once('connect_error', (error: Error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Run `task` for each index with at most `concurrency` in flight; collect results or errors. */
export async function pooled<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<(T | Error)[]> {
  const results: (T | Error)[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        results[index] = await task(index);
      } catch (error) {
        results[index] = error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export function closeAll(sockets: Socket[]): void {
  for (const socket of sockets) socket.close();
}
