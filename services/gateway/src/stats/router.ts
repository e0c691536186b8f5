import type { Bus } from '@switchboard/bus';
import { INTERNAL_COMMANDS, type RequestName, type StatsGetResult } from '@switchboard/protocol';
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
          activeCalls: 'always 0: calls are not built yet',
          messagesPerSecond: 'message:send requests received by the gateways, averaged over the last 10 s',
        },
      };
      const rooms = await askRooms(deps);
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
  try {
    const reply = await deps.bus.request<StatsGetResult>(
      'messaging',
      INTERNAL_COMMANDS.statsGet,
      {},
      systemContext('gateway', { gatewayId: deps.gatewayId }),
      {
        timeoutMs: deps.roomsTimeoutMs ?? 1000,
      },
    );
    return typeof reply?.rooms === 'number' ? reply : undefined;
  } catch (error) {
    // UNAVAILABLE is the normal answer while messaging has no handler; anything else is worth a line.
    if (!(error instanceof AppError && error.code === 'UNAVAILABLE'))
      deps.log?.warn({ err: error }, 'stats:get failed');
    return undefined;
  }
}
