import fs from 'node:fs';
import type { Logger, Metrics } from '@switchboard/runtime';
import { onceASecond } from './once-a-second.ts';
import type { GatewayServer, GatewaySocket } from './types.ts';

/** The `connect_error` message of a handshake refused because the gateway is full (clients may match on it). */
export const AT_CAPACITY = 'Server at capacity, try again later';

/** Descriptors a gateway keeps for itself besides its sockets: Redis clients, logs, the HTTP listener. */
const RESERVED_FILES = 256;

/** The soft open-file limit of this process, from /proc/self/limits (Linux); undefined elsewhere. */
export function openFileLimit(limitsText = readLimits()): number | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(limitsText ?? '');
  if (!match?.[1] || match[1] === 'unlimited') return undefined;
  return Number(match[1]);
}

function readLimits(): string | undefined {
  try {
    return fs.readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Sockets one gateway accepts: MAX_CONNECTIONS, else what its open-file limit leaves room for.
 * Without a bound, the socket past the limit would fail in accept() (EMFILE) and the client
 * would see a connection drop with no reason; with it, the client gets AT_CAPACITY.
 */
export function maxConnections(configured: number | undefined, fileLimit: number | undefined): number {
  if (configured !== undefined) return configured;
  if (fileLimit === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(1, fileLimit - RESERVED_FILES);
}

/** Socket.IO middleware: refuses a handshake with AT_CAPACITY once `limit` sockets are open. */
export function capacityLimiter({
  io,
  limit,
  log,
  metrics,
}: {
  io: GatewayServer;
  limit: number;
  log: Logger;
  metrics: Metrics;
}) {
  const warn = onceASecond(() =>
    log.warn({ limit, open: io.engine.clientsCount }, 'handshake refused: at capacity (MAX_CONNECTIONS)'),
  );
  return (_socket: GatewaySocket, next: (err?: Error) => void): void => {
    // The engine counts this handshake's own connection too, hence `>`.
    if (io.engine.clientsCount <= limit) {
      next();
      return;
    }
    metrics.guards.inc({ guard: 'capacity' });
    warn();
    next(new Error(AT_CAPACITY));
  };
}
