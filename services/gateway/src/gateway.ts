import type http from 'node:http';
import type { Bus } from '@switchboard/bus';
import type { RunningService } from '@switchboard/host';
import type { BaseEnv, Logger, Metrics, TokenVerifier } from '@switchboard/runtime';
import { Server, type ServerOptions } from 'socket.io';
import { ActivityReporter, createActivityThrottle } from './activity.ts';
import { capacityLimiter, maxConnections, openFileLimit } from './capacity-limit.ts';
import { handleConnection } from './connection.ts';
import { startExpiryEnforcer } from './expiry-enforcer.ts';
import { createGatewayRequests } from './gateway-requests.ts';
import { authMiddleware } from './handshake-auth.ts';
import { handshakeLimiter } from './handshake-limit.ts';
import { heartbeatIntervalMs, startHeartbeat } from './heartbeat.ts';
import { InFlight } from './in-flight.ts';
import { takeOverBroadcasts } from './local-broadcast.ts';
import { onceASecond } from './once-a-second.ts';
import type { RateLimiter } from './rate-limit.ts';
import { createRequestForwarder } from './requests.ts';
import { serverOptions } from './server-options.ts';
import { SessionAdmission } from './session-admission.ts';
import { SessionBatcher } from './session-batcher.ts';
import { drainSockets } from './shutdown.ts';
import { ExpiryWheel } from './token-expiry.ts';
import type { GatewayServer } from './types.ts';
import { createTyping } from './typing.ts';

export interface GatewayDeps {
  config: BaseEnv;
  log: Logger;
  metrics: Metrics;
  bus: Bus;
  verifier: TokenVerifier;
  /** Socket.IO attaches here (path /socket.io/). The caller owns it: the gateway never closes it. */
  httpServer: http.Server;
  /** Sent to clients as `serverId`. */
  gatewayId: string;
  rateLimiter: RateLimiter;
  /** `@socket.io/redis-adapter` in cluster mode; undefined = in-memory (embedded mode). */
  adapter?: ServerOptions['adapter'];
  /** How long a typing indicator lasts without a fresh `typing:start` (default 6 s; tests shorten it). */
  typingAutoStopMs?: number;
  /** A socket's activity is reported at most this often (default ACTIVITY_THROTTLE_MS; tests shorten it). */
  activityThrottleMs?: number;
  /** How long an activity report waits for others (default ACTIVITY_WINDOW_MS). */
  activityWindowMs?: number;
}

export interface RunningGateway extends RunningService {
  io: GatewayServer;
  /** False once drain() started: `/readyz` fails and new handshakes are refused. */
  isAccepting(): boolean;
  /** Graceful: server:shutdown, sockets closed in waves, in-flight requests awaited. Idempotent. */
  drain(): Promise<void>;
  drainTimeoutMs: number;
  /** Drains (if nobody did), then stops heartbeats and typing timers and closes the adapter. Idempotent. */
  close(): Promise<void>;
}

/** Extra time, past the bus deadline, shutdown waits for forwarded requests. */
const IN_FLIGHT_SLACK_MS = 1000;

export async function startGateway(deps: GatewayDeps): Promise<RunningGateway> {
  const { config, bus, metrics, verifier, httpServer, gatewayId, rateLimiter, adapter } = deps;
  const log = deps.log.child({ gatewayId });
  let accepting = true;

  const admission = new SessionAdmission(config.MAX_OPENING_SESSIONS);
  const sessions = new SessionBatcher({
    bus,
    log,
    gatewayId,
    timeoutMs: config.BUS_TIMEOUT_MS,
    windowMs: config.SESSION_WINDOW_MS,
    maxWindowMs: config.SESSION_WINDOW_MAX_MS,
  });
  const warnBusy = onceASecond(() =>
    log.warn(
      { opening: admission.size, limit: admission.limit },
      'handshake refused: sessions opening (MAX_OPENING_SESSIONS)',
    ),
  );
  const isBusy = () => {
    if (!admission.full) return false;
    metrics.guards.inc({ guard: 'opening_sessions' });
    warnBusy();
    return true;
  };
  const io: GatewayServer = new Server(
    httpServer,
    serverOptions({ config, adapter, isAccepting: () => accepting, isBusy }),
  );
  takeOverBroadcasts(io, metrics);
  const limit = maxConnections(config.MAX_CONNECTIONS, openFileLimit());
  io.use(capacityLimiter({ io, limit, log, metrics }));
  io.use(handshakeLimiter({ limit: config.HANDSHAKE_LIMIT_PER_IP, trustProxy: config.TRUST_PROXY, log, metrics }));
  io.use(authMiddleware(verifier, log));

  const inFlight = new InFlight();
  const activity = createActivityThrottle(deps.activityThrottleMs);
  const activityReports = new ActivityReporter({ bus, log, gatewayId, windowMs: deps.activityWindowMs });
  const forward = createRequestForwarder({ config, bus, log, metrics, rateLimiter, gatewayId, inFlight });
  const typing = createTyping({ log, rateLimiter, limit: config.RATE_LIMIT_SIGNAL, autoStopMs: deps.typingAutoStopMs });
  const wheel = new ExpiryWheel();
  const stopExpiry = startExpiryEnforcer({ io, wheel, log, metrics });
  const gatewayRequests = createGatewayRequests({
    verifier,
    wheel,
    rateLimiter,
    limits: { write: config.RATE_LIMIT_WRITE, read: config.RATE_LIMIT_READ, signal: config.RATE_LIMIT_SIGNAL },
    log,
    metrics,
  });
  io.on('connection', (socket) => {
    handleConnection(socket, {
      log,
      metrics,
      gatewayId,
      sessions,
      admission,
      forward,
      typing,
      activity,
      activityReports,
      gatewayRequests,
      wheel,
      maxOutgoingBytes: config.MAX_OUTGOING_BUFFER_BYTES,
    });
  });
  const stopHeartbeat = startHeartbeat({
    io,
    bus,
    log,
    gatewayId,
    intervalMs: heartbeatIntervalMs(config.PRESENCE_OFFLINE_AFTER_MS),
  });
  log.info({ path: '/socket.io/', clustered: Boolean(adapter), maxConnections: limit }, 'gateway started');

  const inFlightTimeoutMs = config.BUS_TIMEOUT_MS + IN_FLIGHT_SLACK_MS;
  let draining: Promise<void> | undefined;
  const drain = () => {
    accepting = false;
    // The last sockets' closes (and activity) may still wait in their windows: sent before the bus closes.
    draining ??= drainSockets({
      io,
      log,
      gatewayId,
      graceMs: config.SHUTDOWN_GRACE_MS,
      inFlight,
      inFlightTimeoutMs,
    }).then(() => Promise.all([sessions.flush(), activityReports.flush()]).then(() => undefined));
    return draining;
  };

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    await drain();
    stopHeartbeat();
    stopExpiry();
    typing.close();
    // Not io.close(): it would also close the caller's httpServer, which still serves /healthz.
    try {
      await io.of('/').adapter.close();
    } catch (error) {
      log.warn({ err: error }, 'adapter close failed');
    }
    io.engine.close();
    log.info('gateway stopped');
  }

  return {
    io,
    isAccepting: () => accepting,
    drain,
    // Sockets close over the grace period, the last of them once its requests are answered.
    drainTimeoutMs: config.SHUTDOWN_GRACE_MS + inFlightTimeoutMs + 3000,
    close: () => (closing ??= close()),
  };
}
