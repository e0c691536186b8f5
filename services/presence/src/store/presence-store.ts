import type { HeartbeatSocket, Presence, PresenceStatus } from '@switchboard/protocol';

/** A status a user chose; `offline` is never chosen, it follows from having no device. */
export type ManualStatus = Exclude<PresenceStatus, 'offline'>;

export interface OpenInput {
  userId: string;
  socketId: string;
  gatewayId: string;
  /** The gateway counts as alive until this time (ms epoch) unless it heartbeats again. */
  gatewayExpiresAt: number;
  now: number;
}

export interface CloseInput {
  socketId: string;
  now: number;
  /**
   * For this long the socket id stays closed: a `session:open` or a heartbeat naming it is
   * ignored. Bus commands of one socket can be handled out of order (concurrent handlers, several
   * presence processes), so a late open or a heartbeat built before the close must not revive it.
   */
  tombstoneMs: number;
}

export interface HeartbeatInput {
  gatewayId: string;
  /** Every socket the gateway holds; `userId` '' when the gateway did not say (old payload). */
  sockets: HeartbeatSocket[];
  gatewayExpiresAt: number;
  /** Sockets opened less than this long ago are kept even if unlisted (the heartbeat may predate them). */
  graceMs: number;
  now: number;
}

/** A visible change and the status before it (offline -> online is a user coming online). */
export interface PresenceChange extends Presence {
  previousStatus: PresenceStatus;
}

/**
 * An offline<->connected crossing as the mutation that decided it recorded it: the
 * `user.online`/`user.offline` webhook it owes, kept by the store until relayed to the outbox.
 */
export interface RecordedTransition {
  /** The webhook-id: unique, the same however often the entry is relayed. */
  id: string;
  type: 'user.online' | 'user.offline';
  /** When the mutation decided it (ms epoch). */
  at: number;
  userId: string;
  status: PresenceStatus;
  lastSeen: number;
}

/** One journal entry: `ref` removes it; `transition` is undefined for an entry that does not parse. */
export interface JournalEntry {
  ref: string;
  transition: RecordedTransition | undefined;
}

/** The transitions a store recorded with its mutations, oldest first, until removed. */
export interface TransitionJournal {
  read(limit: number): Promise<JournalEntry[]>;
  /** Removes these entries (relayed, or unparsable); one already removed is no error. */
  remove(refs: string[]): Promise<void>;
  /** Removes up to `limit` of the oldest without reading them (webhooks off); answers how many. */
  drop(limit: number): Promise<number>;
  /** Entries waiting (the whole cluster's, for the Redis store). */
  length(): Promise<number>;
}

/**
 * Presence state shared by every presence process. Each mutation is atomic and returns the
 * presences that visibly changed (status or custom status), so each change is published once
 * however many devices, gateways or presence processes are involved.
 */
export interface PresenceStore {
  // Mutations answer PresenceChange[]: the presences that changed, each with its status before.
  open(input: OpenInput): Promise<PresenceChange[]>;
  /** Removes the socket (if known) and leaves a tombstone for its id; see CloseInput. */
  close(input: CloseInput): Promise<PresenceChange[]>;
  /** Marks the gateway alive, drops its unlisted sockets, re-creates listed ones it lost (not closed ones). */
  heartbeat(input: HeartbeatInput): Promise<SweepResult>;
  /** Removes the sockets of up to `limit` gateways whose liveness expired before `now`. */
  reapGateways(now: number, limit?: number): Promise<ReapResult>;
  /** `customStatus` undefined keeps the current one; '' clears it. */
  setStatus(
    userId: string,
    status: ManualStatus,
    customStatus: string | undefined,
    now: number,
  ): Promise<PresenceChange[]>;
  /** Activity of a connected user: clears automatic `away`. */
  activity(userId: string, now: number): Promise<PresenceChange[]>;
  /** Connected users with no activity since `idleSince` become automatically `away`. */
  markIdle(idleSince: number, now: number, limit?: number): Promise<PresenceChange[]>;
  get(userIds: string[]): Promise<Presence[]>;
  subscribe(subscriberId: string, userIds: string[]): Promise<void>;
  unsubscribe(subscriberId: string, userIds: string[]): Promise<void>;
  subscribersOf(userId: string): Promise<string[]>;
  /** Every online/offline crossing the mutations decided, recorded atomically with them. */
  readonly transitions: TransitionJournal;
}

/** A mutation that can remove sockets no `session:close` announced. */
export interface SweepResult {
  /** The sockets removed that way (call-signaling is told: their gateway could not tell it). */
  sockets: SweptSocket[];
  changes: PresenceChange[];
}

export interface ReapResult extends SweepResult {
  /** Gateways reaped: fewer than the limit means none expired is left. */
  gateways: number;
}

export interface SweptSocket {
  socketId: string;
  gatewayId: string;
}

/** lastSeen of a user never seen: the epoch, so the field is always an ISO date. */
export const NEVER_SEEN = 0;

export interface UserFields {
  manual: string;
  custom: string;
  autoAway: boolean;
  lastSeen: number;
}

/** The one rule both stores apply (the Redis Lua scripts spell the same rule). */
export function effectiveStatus(devices: number, fields: UserFields): PresenceStatus {
  if (devices === 0) return 'offline';
  if (fields.manual && fields.manual !== 'online') return fields.manual as PresenceStatus;
  return fields.autoAway ? 'away' : 'online';
}

export function toPresence(userId: string, status: PresenceStatus, custom: string, lastSeen: number): Presence {
  return { userId, status, ...(custom ? { customStatus: custom } : {}), lastSeen: new Date(lastSeen).toISOString() };
}
