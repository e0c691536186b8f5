import type http from 'node:http';
import type { Logger, Metrics } from '@switchboard/runtime';
import proxyaddr from 'proxy-addr';
import { createMemoryRateLimiter } from './rate-limit.ts';
import type { GatewaySocket } from './types.ts';

/** The `connect_error` message of a refused handshake (clients may match on it). */
export const HANDSHAKE_LIMITED = 'Too many connection attempts from this address, try again later';

export interface HandshakeLimitDeps {
  /** Handshakes per client address per 10 s window (HANDSHAKE_LIMIT_PER_IP). */
  limit: number;
  /** TRUST_PROXY: whose X-Forwarded-For names the client (same syntax as express's `trust proxy`). */
  trustProxy: string;
  log: Logger;
  metrics: Metrics;
}

/** The client's address: the peer, or behind trusted proxies the first untrusted hop they name. */
export function clientAddress(req: http.IncomingMessage, trust: ReturnType<typeof proxyaddr.compile>): string {
  try {
    return proxyaddr(req, trust);
  } catch {
    return req.socket.remoteAddress ?? 'unknown';
  }
}

/**
 * Socket.IO middleware, before the token is checked (a flood of bad tokens counts too): per
 * client address, per gateway — nginx's ip_hash sends one address to one gateway anyway. A
 * refusal is an honest `connect_error`, which socket.io-client does not retry by itself.
 */
export function handshakeLimiter({ limit, trustProxy, log, metrics }: HandshakeLimitDeps) {
  const trust = proxyaddr.compile(
    trustProxy
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const limiter = createMemoryRateLimiter();
  return (socket: GatewaySocket, next: (err?: Error) => void): void => {
    const address = clientAddress(socket.request, trust);
    limiter.hit(address, limit).then(
      (allowed) => {
        if (allowed) return next();
        metrics.guards.inc({ guard: 'handshake_rate' });
        log.debug({ address }, 'handshake refused: rate');
        next(new Error(HANDSHAKE_LIMITED));
      },
      () => next(),
    );
  };
}
