import type {
  RequestContext,
  SessionEntry,
  SessionOpenOutcome,
  SessionOpenResult,
  SessionPayload,
  SessionsOpenResult,
  SessionsPayload,
} from '@switchboard/protocol';
import { type Logger, toAckFailure } from '@switchboard/runtime';

// A gateway coalesces the sockets that open (or close) within a few milliseconds into one
// `sessions:open`/`sessions:close` entry per service: one XADD, read, parse, reply and XACK for
// many sockets. Each socket is still handled with its own context, as the single command did.

type SessionHandler = (payload: SessionPayload, ctx: RequestContext) => Promise<unknown>;
type EmptyResult = Record<string, never>;

/** The context a socket's own `session:open` would have carried, inside a batch sent by its gateway. */
export function sessionContext(entry: SessionEntry, gatewayId: string, batch: RequestContext): RequestContext {
  const { socketId, userId, name, role, phone } = entry;
  return {
    userId,
    name,
    role,
    ...(phone === undefined ? {} : { phone }),
    requestId: batch.requestId,
    socketId,
    gatewayId,
  };
}

/**
 * A follower's batch handler from its single one: the sockets in the gateway's order, one at a
 * time (a socket's open before its close when both are in one window). One socket failing is
 * logged and does not stop the others, as separate commands would not have.
 */
export function eachSession(
  single: SessionHandler,
  log: Logger,
): (payload: SessionsPayload, ctx: RequestContext) => Promise<EmptyResult> {
  return async ({ gatewayId, sessions }, batch) => {
    for (const entry of sessions) {
      const ctx = sessionContext(entry, gatewayId, batch);
      try {
        await single({ socketId: entry.socketId, gatewayId }, ctx);
      } catch (error) {
        log.warn({ err: error, socketId: entry.socketId, userId: entry.userId }, 'session of a batch failed');
      }
    }
    return {};
  };
}

/** One socket's answer to a batched open as the wire carries it: a failure is a code, not a throw. */
export async function sessionOutcome(opening: Promise<SessionOpenResult>): Promise<SessionOpenOutcome> {
  try {
    return { ok: true, ...(await opening) };
  } catch (error) {
    return { ok: false, code: toAckFailure(error).code };
  }
}

/** Messaging's batched open from the single one: each socket answered, in the payload's order. */
export function answerEachSession(
  single: (payload: SessionPayload, ctx: RequestContext) => Promise<SessionOpenResult>,
): (payload: SessionsPayload, ctx: RequestContext) => Promise<SessionsOpenResult> {
  return async ({ gatewayId, sessions }, batch) => ({
    sessions: await Promise.all(
      sessions.map((entry) =>
        sessionOutcome(single({ socketId: entry.socketId, gatewayId }, sessionContext(entry, gatewayId, batch))),
      ),
    ),
  });
}
