import http from 'node:http';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { BenchClient } from './driver.ts';
import { balancedAddresses } from './ip-hash.ts';

const addressLists = new Map<number, string[]>();
/**
 * The local address of client `index` for a system with `upstreams` replicas behind nginx
 * `ip_hash`: client i lands on upstream i mod `upstreams` (ip-hash.ts), so any run of
 * consecutive clients is split evenly. A system without nginx (upstreams 1) still gets many
 * addresses, so per-address limits apply alike.
 */
export function localAddressFor(index: number, upstreams = 2): string {
  let list = addressLists.get(upstreams);
  if (!list) {
    list = balancedAddresses(upstreams);
    addressLists.set(upstreams, list);
  }
  return list[index % list.length]!;
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

/**
 * One client socket over WebSocket only (no polling upgrade), its own connection
 * (`forceNew`), no automatic reconnection: a failure must show up as a failure.
 */
export function openSocket<S extends Socket = Socket>(
  url: string,
  token: string,
  localAddress: string,
  timeoutMs = 15_000,
): Promise<S> {
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
    socket.once('connect', () => resolve(socket));
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

export function closeAll(clients: BenchClient[]): void {
  for (const client of clients) client.close();
}
