import {
  AUTH_REFRESH_OTHER_USER,
  GATEWAY_REQUESTS,
  type GatewayRequestName,
  type GatewayRequestPayload,
  type GatewayRequestResult,
  parsePayload,
} from '@switchboard/protocol';
import {
  AppError,
  isAppError,
  type Logger,
  type Metrics,
  type TokenVerifier,
  toAckFailure,
} from '@switchboard/runtime';
import { expiryText, identityRooms } from './identity-rooms.ts';
import type { RateLimiter } from './rate-limit.ts';
import { type AckCallback, RATE_LIMITED_MESSAGE, successAck, withinLimit } from './requests.ts';
import type { ExpiryWheel } from './token-expiry.ts';
import type { GatewaySocket } from './types.ts';

export interface GatewayRequestDeps {
  verifier: TokenVerifier;
  wheel: ExpiryWheel;
  rateLimiter: RateLimiter;
  /** The request buckets' budgets (RATE_LIMIT_WRITE / _READ / _SIGNAL). */
  limits: Record<(typeof GATEWAY_REQUESTS)[GatewayRequestName]['bucket'], number>;
  log: Logger;
  metrics: Metrics;
}

type Handler<E extends GatewayRequestName> = (
  socket: GatewaySocket,
  payload: GatewayRequestPayload<E>,
) => Promise<GatewayRequestResult<E>>;

/**
 * `auth:refresh`: the same user's new token replaces the socket's. Its claims apply from here
 * on (later requests carry the new role, name and phone); a changed role moves the socket from
 * `role:{old}` to `role:{new}` (and in or out of `admin:{id}`); the expiry moves on the wheel.
 */
async function refreshToken(
  socket: GatewaySocket,
  token: string,
  { verifier, wheel, log }: GatewayRequestDeps,
): Promise<GatewayRequestResult<'auth:refresh'>> {
  const { principal, expiresAt } = verifier.verifyToken(token);
  const current = socket.data.principal;
  if (principal.userId !== current.userId) throw new AppError('FORBIDDEN', AUTH_REFRESH_OTHER_USER);
  const before = identityRooms(current);
  const after = identityRooms(principal);
  socket.data.principal = principal;
  socket.data.expiresAt = expiresAt;
  wheel.track(socket.id, expiresAt);
  for (const room of before) if (!after.includes(room)) await socket.leave(room);
  await socket.join(after.filter((room) => !before.includes(room)));
  if (current.role !== principal.role) log.info({ from: current.role, to: principal.role }, 'role changed at refresh');
  return { expiresAt: expiryText(expiresAt) };
}

/** Requests the gateway answers itself (GATEWAY_REQUESTS): validated, rate limited, always acked. */
export function createGatewayRequests(deps: GatewayRequestDeps) {
  const handlers: { [E in GatewayRequestName]: Handler<E> } = {
    'auth:refresh': (socket, { token }) => refreshToken(socket, token, deps),
  };

  return async function handle(
    socket: GatewaySocket,
    name: GatewayRequestName,
    payload: unknown,
    ack: AckCallback | undefined,
  ): Promise<void> {
    const answer = (response: unknown) => {
      if (!ack) return;
      try {
        ack(response);
      } catch (error) {
        deps.log.warn({ err: error, event: name }, 'ack failed');
      }
    };
    try {
      const spec = GATEWAY_REQUESTS[name];
      const parsed = parsePayload(spec.schema, payload);
      if (!parsed.ok) return answer({ success: false, code: 'INVALID_PAYLOAD', error: parsed.error });
      const key = `${socket.data.principal.userId}:${spec.bucket}`;
      if (!(await withinLimit(deps.rateLimiter, key, deps.limits[spec.bucket], deps.log))) {
        return answer({ success: false, code: 'RATE_LIMITED', error: RATE_LIMITED_MESSAGE });
      }
      answer(successAck(await handlers[name](socket, parsed.data)));
    } catch (error) {
      if (!isAppError(error)) deps.log.error({ err: error, event: name }, 'gateway request failed');
      else deps.metrics.errors.inc({ code: error.code });
      answer(toAckFailure(error));
    }
  };
}
export type GatewayRequests = ReturnType<typeof createGatewayRequests>;
