import type { Bus } from '@switchboard/bus';
import type { CallStatsResult, RequestName, StatsGetResult } from '@switchboard/protocol';
import { AppError, type Logger, type Redis, systemContext } from '@switchboard/runtime';
import { Router } from 'express';
import type { GatewayServer } from '../types.ts';
import { createMemoryGatewayRegistry, createRedisGatewayRegistry, type GatewayEntry } from './gateway-registry.ts';
import { RateWindow } from './rate-window.ts';

export interface StatsDeps {
  io: GatewayServer;
  bus: Bus;
  gatewayId: string;
  /** Cluster mode: gateways share their figures through a Redis hash. Absent: this gateway only. */
  redis?: Redis;
  prefix: string;
  log?: Logger;
  /** How often this gateway publishes its figures (default 5 s; entries expire after 30 s). */
  publishEveryMs?: number;
  /** Deadline for asking messaging for room counts. */
  roomsTimeoutMs?: number;
  now?: () => number;
}

export interface StatsBody {
  gateways: { gatewayId: string; connections: number; messagesPerSecond: number; updatedAt: string }[];
  connections: number;
  rooms?: number;
  activeRooms?: number;
  activeCalls: number;
  ringingCalls?: number;
  messagesPerSecond: number;
  notes: Record<string, string>;
}

/** Counted per gateway: messages clients send through it. */
const MESSAGE_SEND = 'message:send' satisfies RequestName;

/**
 * `GET /stats` (mounted under `/api`): the live picture of the cluster, answered by any gateway.
 * Each gateway publishes its socket count and message rate every few seconds; rooms come from
 * messaging over the bus when it answers `stats:get`. Call `close()` on shutdown.
 */
export function createStatsRouter(deps: StatsDeps): { router: Router; close(): Promise<void> } {
  const now = deps.now ?? Date.now;
  const messages = new RateWindow(10, now);
  const registry = deps.redis ? createRedisGatewayRegistry(deps.redis, deps.prefix) : createMemoryGatewayRegistry();

  deps.io.on('connection', (socket) => {
    socket.onAny((event: string) => {
      if (event === MESSAGE_SEND) messages.add();
    });
  });

  const ownEntry = (): GatewayEntry => ({
    gatewayId: deps.gatewayId,
    connections: deps.io.of('/').sockets.size,
    messagesPerSecond: messages.perSecond(),
    at: now(),
  });
  const publish = () =>
    registry.publish(ownEntry()).catch((error: unknown) => deps.log?.warn({ err: error }, 'stats not published'));
  void publish();
  const timer = setInterval(() => void publish(), deps.publishEveryMs ?? 5000);
  timer.unref();

  const router = Router();
  router.get('/stats', async (_req, res, next) => {
    try {
      await registry.publish(ownEntry());
      const entries = await registry.list(now());
      const body: StatsBody = {
        gateways: entries.map((e) => ({
          gatewayId: e.gatewayId,
          connections: e.connections,
          messagesPerSecond: e.messagesPerSecond,
          updatedAt: new Date(e.at).toISOString(),
        })),
        connections: entries.reduce((sum, e) => sum + e.connections, 0),
        activeCalls: 0,
        messagesPerSecond: Math.round(entries.reduce((sum, e) => sum + e.messagesPerSecond, 0) * 100) / 100,
        notes: {
          messagesPerSecond: 'message:send requests received by the gateways, averaged over the last 10 s',
        },
      };
      const [rooms, calls] = await Promise.all([askRooms(deps), askCalls(deps)]);
      if (calls) {
        body.activeCalls = calls.activeCalls;
        body.ringingCalls = calls.ringingCalls;
      } else body.notes.activeCalls = '0: call-signaling does not answer calls:stats';
      if (rooms) {
        body.rooms = rooms.rooms;
        if (rooms.activeRooms !== undefined) body.activeRooms = rooms.activeRooms;
      } else body.notes.rooms = 'omitted: messaging does not answer stats:get';
      res.json(body);
    } catch (error) {
      next(error);
    }
  });

  return {
    router,
    async close() {
      clearInterval(timer);
      await registry.remove(deps.gatewayId).catch(() => undefined);
    },
  };
}

/** Room counts from messaging, or undefined when it has no `stats:get` handler, is down or fails. */
async function askRooms(deps: StatsDeps): Promise<StatsGetResult | undefined> {
  const reply = await quietly(deps, 'stats:get', () =>
    deps.bus.request('messaging', 'stats:get', {}, systemContext('gateway', { gatewayId: deps.gatewayId }), {
      timeoutMs: deps.roomsTimeoutMs ?? 1000,
    }),
  );
  return typeof reply?.rooms === 'number' ? reply : undefined;
}

/** Live call counts from call-signaling, or undefined when it is down or fails. */
async function askCalls(deps: StatsDeps): Promise<CallStatsResult | undefined> {
  const reply = await quietly(deps, 'calls:stats', () =>
    deps.bus.request('call-signaling', 'calls:stats', {}, systemContext('gateway', { gatewayId: deps.gatewayId }), {
      timeoutMs: deps.roomsTimeoutMs ?? 1000,
    }),
  );
  return typeof reply?.activeCalls === 'number' ? reply : undefined;
}

async function quietly<T>(deps: StatsDeps, command: string, ask: () => Promise<T>): Promise<T | undefined> {
  try {
    return await ask();
  } catch (error) {
    // UNAVAILABLE is the normal answer while a service has no handler; anything else is worth a line.
    if (!(error instanceof AppError && error.code === 'UNAVAILABLE'))
      deps.log?.warn({ err: error, command }, 'stats lookup failed');
    return undefined;
  }
}
