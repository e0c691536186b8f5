import type { BaseEnv } from '@switchboard/runtime';
import type { ServerOptions } from 'socket.io';
import { corsOption, originAllowed, parseOriginPolicy } from './cors.ts';
import { BUSY_OPENING_SESSIONS, ORIGIN_REFUSED, SHUTTING_DOWN } from './refusals.ts';

export const PING_INTERVAL_MS = 25_000;
export const PING_TIMEOUT_MS = 20_000;

export interface OptionsInput {
  config: BaseEnv;
  adapter?: ServerOptions['adapter'];
  /** False while draining: new handshakes are refused at the HTTP level so clients retry elsewhere. */
  isAccepting: () => boolean;
  /** True while MAX_OPENING_SESSIONS sessions are being set up: new handshakes wait (retried by clients). */
  isBusy?: () => boolean;
}

/**
 * Socket.IO options from config. Draining refuses handshakes in `allowRequest` (engine level)
 * rather than in a middleware: a middleware refusal is a `connect_error` clients do not retry,
 * an HTTP refusal makes socket.io-client back off and reconnect, through nginx, to a live replica.
 */
export function serverOptions({ config, adapter, isAccepting, isBusy }: OptionsInput): Partial<ServerOptions> {
  const policy = parseOriginPolicy(config.CORS_ORIGINS);
  const cors = corsOption(policy);
  return {
    path: '/socket.io/',
    transports: ['polling', 'websocket'],
    maxHttpBufferSize: config.MAX_HTTP_BUFFER_SIZE,
    pingInterval: PING_INTERVAL_MS,
    pingTimeout: PING_TIMEOUT_MS,
    serveClient: false,
    // connectionStateRecovery stays off: missed messages are recovered by `sync` (per-room seq),
    // which also works across gateways and restarts, unlike the in-memory recovery buffer.
    ...(cors ? { cors } : {}),
    ...(adapter ? { adapter } : {}),
    allowRequest: (req, callback) => {
      if (!isAccepting()) return callback(SHUTTING_DOWN, false);
      if (!originAllowed(policy, req)) return callback(ORIGIN_REFUSED, false);
      if (isBusy?.()) return callback(BUSY_OPENING_SESSIONS, false);
      callback(null, true);
    },
  };
}
