// What the gateway's cluster benchmarks share: authenticated WebSocket clients spread over both
// upstreams, and a process's CPU from /proc.
import fs from 'node:fs';
import http from 'node:http';
import { localAddressFor } from '@switchboard/bench';
import { io, type Socket } from 'socket.io-client';

/** utime+stime (clock ticks) and the parent of a process; undefined once it is gone. */
export function statOf(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

const agents = new Map<string, http.Agent>();

/**
 * One client through nginx, from one of 64 local addresses (ip_hash splits them half and half
 * over the two gateways), counted as open at `connected` (rooms and unread answered).
 */
export function openClient(url: string, token: string, index: number): Promise<{ socket: Socket; ms: number }> {
  const localAddress = localAddressFor(index, 2);
  let agent = agents.get(localAddress);
  if (!agent) agents.set(localAddress, (agent = new http.Agent({ localAddress })));
  const started = performance.now();
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 30_000,
    auth: { token },
    agent: agent as unknown as string,
  });
  return new Promise((resolve, reject) => {
    socket.once('connected', () => resolve({ socket, ms: performance.now() - started }));
    socket.once('connect_error', (error: Error) => {
      socket.close();
      reject(error);
    });
  });
}
