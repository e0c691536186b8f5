// Errors that mean "the database (or another backing server) could not be reached or dropped
// the connection", as opposed to a bug: the request may succeed if retried, so the edge answers
// UNAVAILABLE instead of INTERNAL. The pg driver, Prisma's driver adapter and Prisma itself each
// wrap the cause differently, so the whole cause chain is looked at.

/** SQLSTATE: class 08 (connection exception), 57P01–57P03 (terminated, crash, not accepting yet), 53300 (too many connections). */
const PG_STATES = /^(08|57P0[123]$|53300$)/;
/** Node socket errors. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** Prisma: can't reach server, server closed the connection, pool timeout, connection-level transaction failure. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
/** What the pg driver says without a code when its socket is gone. */
const MESSAGES =
  /terminating connection|Connection terminated|not queryable|Server has closed the connection|Can't reach database server|connection is closed|Transaction already closed/i;

function fieldOf(value: object, field: string): unknown {
  return Reflect.get(value, field);
}

function oneIsFailure(value: object): boolean {
  for (const field of ['code', 'originalCode', 'errorCode']) {
    const code = fieldOf(value, field);
    if (typeof code !== 'string') continue;
    if (PG_STATES.test(code) || SOCKET_CODES.has(code) || PRISMA_CODES.has(code)) return true;
  }
  const message = fieldOf(value, 'message');
  return typeof message === 'string' && MESSAGES.test(message);
}

/** True when `error` (or anything in its cause chain) is a lost or refused connection. */
export function isConnectionFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    if (oneIsFailure(current)) return true;
    current = fieldOf(current, 'cause');
  }
  return false;
}
