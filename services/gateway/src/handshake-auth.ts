import { AUTH_ERRORS } from '@switchboard/protocol';
import { bearerToken, isAppError, type Logger, type TokenVerifier } from '@switchboard/runtime';
import type { GatewaySocket } from './types.ts';

const KNOWN_MESSAGES = new Set<string>(Object.values(AUTH_ERRORS));

/** The token a client presented: `auth.token`, else `?token=`, else `Authorization: Bearer`. */
export function tokenFromHandshake(handshake: GatewaySocket['handshake']): unknown {
  const auth: unknown = handshake.auth;
  if (auth && typeof auth === 'object' && 'token' in auth && auth.token !== undefined && auth.token !== '')
    return auth.token;
  const query = handshake.query.token;
  if (typeof query === 'string' && query !== '') return query;
  const header = handshake.headers.authorization;
  return bearerToken(typeof header === 'string' ? header : undefined);
}

/**
 * Socket.IO middleware: verifies the JWT and stores the principal. A refusal reaches the client
 * as `connect_error` whose message is exactly one of AUTH_ERRORS.
 */
export function authMiddleware(verifier: TokenVerifier, log: Logger) {
  return (socket: GatewaySocket, next: (err?: Error) => void): void => {
    try {
      const { principal, expiresAt } = verifier.verifyToken(tokenFromHandshake(socket.handshake));
      socket.data.principal = principal;
      socket.data.expiresAt = expiresAt;
      next();
    } catch (error) {
      const message = isAppError(error) && KNOWN_MESSAGES.has(error.message) ? error.message : AUTH_ERRORS.invalidToken;
      log.debug({ reason: message, address: socket.handshake.address }, 'handshake refused');
      next(new Error(message));
    }
  };
}
