import type { SessionEntry } from '@switchboard/protocol';
import type { Logger } from '@switchboard/runtime';
import type { PublishPresence } from '../fanout/presence-publisher.ts';
import type { PresenceChange, PresenceStore } from '../store/presence-store.ts';
import type { SweptSocketsListener } from '../sweeper/swept-sockets.ts';
import type { PresenceTiming } from '../sweeper/timing.ts';
import type { PresenceHandlers } from './handlers.ts';

type SessionCommand =
  | 'session:open'
  | 'session:close'
  | 'sessions:open'
  | 'sessions:close'
  | 'gateway:heartbeat'
  | 'presence:activity'
  | 'presence:activities';

export interface SessionHandlerDeps {
  store: PresenceStore;
  publish: PublishPresence;
  timing: PresenceTiming;
  log: Logger;
  /** Told of the sockets a heartbeat dropped (a restarted gateway no longer holds them). */
  onSwept?: SweptSocketsListener;
  now?: () => number;
}

/** Gateway lifecycle commands: devices arriving and leaving, gateways proving they are alive. */
export function sessionHandlers({
  store,
  publish,
  timing,
  log,
  onSwept,
  now = Date.now,
}: SessionHandlerDeps): Pick<PresenceHandlers, SessionCommand> {
  let warnedSlowHeartbeat = false;
  const open = (userId: string, socketId: string, gatewayId: string) => {
    const at = now();
    return store.open({ userId, socketId, gatewayId, gatewayExpiresAt: at + timing.gatewayTtlMs, now: at });
  };
  // The tombstone outlives any late open or heartbeat of this socket worth caring about: past
  // the offline bound, the gateway's own heartbeats drop a socket it no longer holds.
  const close = (socketId: string) => store.close({ socketId, now: now(), tombstoneMs: timing.offlineAfterMs });
  /**
   * A gateway's batch: the store changed socket by socket in the batch's order, then every
   * resulting change published at once (one rooms lookup for all the users that came online).
   * The store calls start together: the Redis store's scripts go out in one pipeline on one
   * connection, so Redis runs them in the batch's order (two devices of one user: the first comes
   * online, the second finds it online), without a round trip per socket.
   */
  const each = async (sessions: SessionEntry[], change: (entry: SessionEntry) => Promise<PresenceChange[]>) => {
    const changed = await Promise.all(
      sessions.map((entry) =>
        change(entry).catch((error: unknown) => {
          log.warn({ err: error, socketId: entry.socketId, userId: entry.userId }, 'session of a batch failed');
          return [];
        }),
      ),
    );
    await publish(changed.flat());
    return {};
  };
  return {
    'session:open': async ({ socketId, gatewayId }, ctx) => {
      await publish(await open(ctx.userId, socketId, gatewayId));
      return {};
    },
    'session:close': async ({ socketId }) => {
      await publish(await close(socketId));
      return {};
    },
    'sessions:open': ({ gatewayId, sessions }) => each(sessions, (s) => open(s.userId, s.socketId, gatewayId)),
    'sessions:close': ({ sessions }) => each(sessions, (s) => close(s.socketId)),

    'gateway:heartbeat': async (beat) => {
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
      const result = await store.heartbeat({
        gatewayId: beat.gatewayId,
        sockets,
        gatewayExpiresAt: at + ttl,
        graceMs: beat.intervalMs,
        now: at,
      });
      // A gateway restarted under the same id (SIGKILL, then the supervisor) beats before its
      // old sockets expire: their removal here is the only sign call-signaling will get.
      if (result.sockets.length > 0) onSwept?.(result.sockets);
      await publish(result.changes);
      return {};
    },

    'presence:activity': async (_payload, ctx) => {
      await publish(await store.activity(ctx.userId, now()));
      return {};
    },

    // A gateway's window of active users: one store call each (distinct users, so in any order:
    // the Redis store's scripts go out in one pipeline), then every change published at once.
    'presence:activities': async ({ userIds }) => {
      const at = now();
      const changes = await Promise.all(
        userIds.map((userId) =>
          store.activity(userId, at).catch((error: unknown) => {
            log.warn({ err: error, userId }, 'activity of a batch failed');
            return [];
          }),
        ),
      );
      await publish(changes.flat());
      return {};
    },
  };
}
