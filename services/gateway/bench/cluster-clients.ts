// What the gateway's cluster benchmarks share: authenticated WebSocket clients spread over both
// upstreams, a process's CPU from /proc, and the bus entries it handled.
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

/**
 * Bus entries a process has handled per command (`switchboard_bus_handled_total`, outcomes
 * summed): a count, so unlike CPU it does not move with the machine's load.
 */
export async function busHandledByCommand(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^switchboard_bus_handled_total\{command="([^"]+)"/.exec(line);
    if (match?.[1]) out.set(match[1], (out.get(match[1]) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}
