import crypto from 'node:crypto';
import net from 'node:net';
import { CLUSTER_SERVICES, GATEWAY_PORT_OFFSET, MAX_PORT_OFFSET, type Replicas, servicePort } from './config.ts';

/**
 * Every port a cluster on `port` listens on: nginx's, then those `planProcesses` derives from it
 * for `gateways` gateways and `replicas` (services not named run once).
 */
export function clusterPorts(port: number, gateways: number, replicas: Partial<Replicas> = {}): number[] {
  const gatewayPorts = Array.from({ length: gateways }, (_, i) => port + GATEWAY_PORT_OFFSET + i);
  const servicePorts = CLUSTER_SERVICES.flatMap((service) =>
    Array.from({ length: replicas[service] ?? 1 }, (_, i) => servicePort(port, service, i + 1)),
  );
  return [port, ...gatewayPorts, ...servicePorts];
}

/**
 * Blocks are picked below Linux's default ephemeral range (32768–60999): a port probed free there
 * can be taken as the local port of any outgoing connection (clients, pools, nginx upstreams)
 * before the process that was meant to listen on it binds — seen as EADDRINUSE at start-up.
 */
const LOWEST_BASE = 10_000;
const EPHEMERAL_FLOOR = 32_768;

/** A PORT whose whole block is free, for tests and benchmarks that start clusters side by side. */
export async function findFreeClusterPort(gateways = 2, replicas: Partial<Replicas> = {}): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = LOWEST_BASE + crypto.randomInt(0, EPHEMERAL_FLOOR - LOWEST_BASE - MAX_PORT_OFFSET);
    const free = await Promise.all(clusterPorts(base, gateways, replicas).map((port) => isPortFree(port, '0.0.0.0')));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port block for a cluster');
}

/** True if `port` can be bound on `host` right now (probed by binding and closing at once). */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
