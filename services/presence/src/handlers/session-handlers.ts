import type { CommandHandler } from '@switchboard/bus';
import { Id, INTERNAL_COMMANDS, type RequestContext, type SessionOpenResult } from '@switchboard/protocol';
import type { Logger } from '@switchboard/runtime';
import { parseOrThrow } from '@switchboard/runtime';
import { z } from 'zod';
import type { PublishPresence } from '../fanout/presence-publisher.ts';
import type { PresenceStore } from '../store/presence-store.ts';
import type { PresenceTiming } from '../sweeper/timing.ts';

const SessionPayload = z.object({ socketId: Id, gatewayId: Id });
const HeartbeatPayload = z.object({
  gatewayId: Id,
  socketIds: z.array(Id).max(500_000),
  intervalMs: z.number().positive().max(3_600_000),
  sockets: z
    .array(z.object({ socketId: Id, userId: Id }))
    .max(500_000)
    .optional(),
});

export interface SessionHandlerDeps {
  store: PresenceStore;
  publish: PublishPresence;
  timing: PresenceTiming;
  log: Logger;
  now?: () => number;
}

/** Gateway lifecycle commands: devices arriving and leaving, gateways proving they are alive. */
export function sessionHandlers({
  store,
  publish,
  timing,
  log,
  now = Date.now,
}: SessionHandlerDeps): Record<string, CommandHandler> {
  let warnedSlowHeartbeat = false;
  return {
    [INTERNAL_COMMANDS.sessionOpen]: async (payload, ctx: RequestContext): Promise<SessionOpenResult> => {
      const { socketId, gatewayId } = parseOrThrow(SessionPayload, payload);
      const at = now();
      await publish(
        await store.open({
          userId: ctx.userId,
          socketId,
          gatewayId,
          gatewayExpiresAt: at + timing.gatewayTtlMs,
          now: at,
        }),
      );
      // Presence puts sockets in no rooms of its own; messaging answers the gateway's rooms.
      return { rooms: [] };
    },

    [INTERNAL_COMMANDS.sessionClose]: async (payload) => {
      const { socketId } = parseOrThrow(SessionPayload, payload);
      // The tombstone outlives any late open or heartbeat of this socket worth caring about: past
      // the offline bound, the gateway's own heartbeats drop a socket it no longer holds.
      await publish(await store.close({ socketId, now: now(), tombstoneMs: timing.offlineAfterMs }));
      return {};
    },

    [INTERNAL_COMMANDS.gatewayHeartbeat]: async (payload) => {
      const beat = parseOrThrow(HeartbeatPayload, payload);
      if (beat.intervalMs * 1.5 > timing.gatewayTtlMs && !warnedSlowHeartbeat) {
        warnedSlowHeartbeat = true;
        log.warn(
          { gatewayId: beat.gatewayId, intervalMs: beat.intervalMs, offlineAfterMs: timing.offlineAfterMs },
          'heartbeat too slow for the offline bound',
        );
      }
      // Without `sockets`, a listed socket the store lost cannot be re-created: userId ''.
      const users = new Map((beat.sockets ?? []).map((s) => [s.socketId, s.userId]));
      const sockets = beat.socketIds.map((socketId) => ({ socketId, userId: users.get(socketId) ?? '' }));
      const at = now();
      const ttl = Math.max(timing.gatewayTtlMs, Math.ceil(beat.intervalMs * 1.5));
      await publish(
        await store.heartbeat({
          gatewayId: beat.gatewayId,
          sockets,
          gatewayExpiresAt: at + ttl,
          graceMs: beat.intervalMs,
          now: at,
        }),
      );
      return {};
    },

    [INTERNAL_COMMANDS.presenceActivity]: async (_payload, ctx) => {
      await publish(await store.activity(ctx.userId, now()));
      return {};
    },
  };
}
